package dev.dbsql.core.it

import dev.dbsql.core.DatabricksSqlClient
import dev.dbsql.core.NotFoundException
import dev.dbsql.core.Session
import dev.dbsql.core.SessionNotFoundException
import dev.dbsql.core.StatementParameters
import dev.dbsql.core.StatementResult
import dev.dbsql.core.params
import dev.dbsql.core.internal.initialResultData
import dev.dbsql.core.typed
import dev.dbsql.warehouse.LocalWarehouse
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContain
import io.kotest.matchers.collections.shouldNotContain
import io.kotest.matchers.nulls.shouldNotBeNull
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeInstanceOf
import java.math.BigDecimal
import java.time.Instant
import java.time.LocalDate
import java.time.LocalDateTime

class SessionParamsMetadataSpec : FunSpec({
    lateinit var wh: LocalWarehouse
    lateinit var client: DatabricksSqlClient
    val json = Fixtures.INLINE_JSON

    beforeSpec {
        wh = Fixtures.startWarehouse()
        client = Fixtures.client(wh)
    }
    afterSpec {
        client.close()
        wh.close()
    }

    fun StatementResult.rows(): List<List<String?>> = initialResultData.shouldNotBeNull().dataArray.shouldNotBeNull()

    test("named parameters of every Kotlin type reach the server with their types") {
        val r = client.execute(
            "SELECT :s AS s, :i AS i, :l AS l, :d AS d, :dec AS dec, :b AS b, :day AS day, :n AS n, :t AS t, :bin AS bin",
            params {
                "s" to "it's"
                "i" to 5
                "l" to 5_000_000_000L
                "d" to 1.5
                "dec" to BigDecimal("123.45")
                "b" to true
                "day" to LocalDate.of(2024, 2, 29)
                "n" to (null as Int?)
                "t" to typed("7", "SMALLINT")
                "bin" to byteArrayOf(1, 2, -1)
            },
            json,
        )
        r.manifest.columns.map { it.typeName } shouldBe listOf("STRING", "INT", "LONG", "DOUBLE", "DECIMAL", "BOOLEAN", "DATE", "INT", "SHORT", "BINARY")
        r.manifest.columns[4].precision shouldBe 5
        r.rows().single() shouldBe listOf("it's", "5", "5000000000", "1.5", "123.45", "true", "2024-02-29", null, "7", "AQL/")
    }

    test("timestamps and positional parameters") {
        val r = client.execute(
            "SELECT ? AS ts, ? AS ntz, ? AS x",
            StatementParameters.positional(Instant.parse("2024-01-01T10:00:00Z"), LocalDateTime.of(2024, 1, 1, 10, 0), "x"),
            json,
        )
        r.manifest.columns.map { it.typeName } shouldBe listOf("TIMESTAMP", "TIMESTAMP_NTZ", "STRING")
        r.rows().single()[2] shouldBe "x"
    }

    test("a session keeps its schema and confs; close is idempotent") {
        val s = client.openSession(conf = mapOf("ansi_mode" to "false"))
        s.execute("CREATE SCHEMA IF NOT EXISTS sess_test", options = json)
        s.execute("USE SCHEMA sess_test", options = json)
        s.execute("CREATE TABLE t_in_session AS SELECT 1 AS a", options = json)
        s.execute("SELECT a FROM t_in_session", options = json).rows() shouldBe listOf(listOf("1"))
        wh.admin.statements().last().sessionId shouldBe s.sessionId
        s.close()
        s.close()
        s.isClosed shouldBe true
        shouldThrow<SessionNotFoundException> { s.execute("SELECT 1") }
    }

    test("a session unknown to the server gives SessionNotFoundException") {
        val ghost = Session(client, "00000000-dead-beef-0000-000000000000")
        val e = shouldThrow<SessionNotFoundException> { ghost.execute("SELECT 1", options = json) }
        e.shouldBeInstanceOf<NotFoundException>()
        e.sessionId shouldBe ghost.sessionId
        ghost.close() // already gone: not an error
    }

    test("metadata: catalogs, schemas, tables with a type filter, columns") {
        client.execute("CREATE SCHEMA IF NOT EXISTS meta_s", options = json)
        client.execute("CREATE OR REPLACE TABLE meta_s.tab1 AS SELECT 1 AS c1, 'x' AS c2", options = json)
        client.execute("CREATE OR REPLACE VIEW meta_s.view1 AS SELECT 1 AS v", options = json)
        val catalog = client.execute("SELECT current_catalog()", options = json).rows().single().single()!!

        client.metadata.catalogs().manifest.columns.map { it.name } shouldContain "catalog"
        client.metadata.schemas(catalog, "meta%").manifest.totalRowCount shouldBe 1L

        val all = client.metadata.tables(catalog, "meta_s", null, null)
        all.manifest.totalRowCount shouldBe 2L
        all.manifest.columns.map { it.name } shouldContain "tableType"
        val views = client.metadata.tables(catalog, "meta_s", "%", listOf("VIEW"))
        views.manifest.totalRowCount shouldBe 1L
        views.manifest.columns.map { it.name } shouldContain "tableName"

        val cols = client.metadata.columns(catalog, "meta_s", "tab1", null)
        cols.manifest.totalRowCount shouldBe 2L
        cols.manifest.columns.map { it.name } shouldContain "col_name"
        client.metadata.columns(catalog, "meta_s", "tab1", "c2").manifest.totalRowCount shouldBe 1L
        client.metadata.tables(catalog, "meta_s", "tab%", listOf("TABLE")).manifest.columns.map { it.name } shouldNotContain "v"
    }
})
