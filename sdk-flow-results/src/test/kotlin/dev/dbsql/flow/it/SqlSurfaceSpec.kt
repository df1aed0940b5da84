package dev.dbsql.flow.it

import dev.dbsql.core.ConfigurationException
import dev.dbsql.core.Disposition
import dev.dbsql.core.ExecuteOptions
import dev.dbsql.core.ResultFormat
import dev.dbsql.core.SqlException
import dev.dbsql.core.SqlList
import dev.dbsql.core.SqlParameter
import dev.dbsql.core.StatementParameters
import dev.dbsql.core.params
import dev.dbsql.flow.ColumnDescription
import dev.dbsql.flow.ResultCursor
import dev.dbsql.flow.batches
import dev.dbsql.flow.cursor
import dev.dbsql.flow.description
import dev.dbsql.flow.fetchAll
import dev.dbsql.flow.fetchMany
import dev.dbsql.flow.fetchOne
import dev.dbsql.flow.rows
import dev.dbsql.warehouse.LocalWarehouse
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlinx.coroutines.flow.map
import kotlinx.coroutines.flow.toList
import org.apache.arrow.vector.types.TimeUnit
import org.apache.arrow.vector.types.pojo.ArrowType
import java.math.BigDecimal
import java.time.Duration
import java.time.Instant
import java.time.LocalDate
import java.time.OffsetDateTime
import java.time.Period
import java.time.ZoneId
import java.time.ZonedDateTime

/** Session time zones, INTERVAL parameters, per-statement conf and the fetch helpers, through the local warehouse. */
class SqlSurfaceSpec : FunSpec({
    lateinit var wh: LocalWarehouse
    beforeSpec { wh = LocalWarehouse.start(dev.dbsql.warehouse.WarehouseConfig()) }
    afterSpec { wh.close() }

    val la = ZoneId.of("America/Los_Angeles")
    val winter = Instant.parse("2021-01-01T18:00:00Z")
    val summer = Instant.parse("2021-07-01T18:00:00.123456Z")
    val tsSql = "SELECT * FROM VALUES (1, TIMESTAMP '2021-01-01 18:00:00 UTC'), (2, TIMESTAMP '2021-07-01 18:00:00.123456 UTC') AS v(n, t) ORDER BY n"
    val arrow = ExecuteOptions(disposition = Disposition.EXTERNAL_LINKS, format = ResultFormat.ARROW_STREAM)
    val hybrid = ExecuteOptions()

    for ((name, options) in listOf("inline JSON" to Fixtures.inlineJson, "Arrow links" to arrow, "hybrid Arrow" to hybrid)) {
        test("$name: a session zone other than UTC is kept: values, field zone, text and zoned accessors") {
            Fixtures.client(wh).use { client ->
                val session = client.openSession(conf = mapOf("timezone" to "America/Los_Angeles"))
                val result = session.execute(tsSql, options = options)
                val zone = result.batches().map { b -> b.use { (it.schema.findField("t").type as ArrowType.Timestamp) } }.toList().first()
                zone.unit shouldBe TimeUnit.MICROSECOND
                // Arrow answers name the session zone; for JSON text (offsets only) the SDK names it from the session conf
                zone.timezone shouldBe "America/Los_Angeles"
                val rows = result.rows().map { r ->
                    listOf(r.getInstant("t"), r.getString("t"), r.getOffsetDateTime("t"), r.getZonedDateTime("t"))
                }.toList()
                rows[0][0] shouldBe winter
                rows[1][0] shouldBe summer
                rows[0][1] shouldBe "2021-01-01T10:00:00.000-08:00"
                rows[0][2] shouldBe OffsetDateTime.parse("2021-01-01T10:00:00-08:00")
                (rows[0][3] as ZonedDateTime).toInstant() shouldBe winter
                // across the daylight-saving change each value keeps its own offset, whatever the disposition
                rows[1][1] shouldBe "2021-07-01T11:00:00.123456-07:00"
                rows[1][2] shouldBe OffsetDateTime.parse("2021-07-01T11:00:00.123456-07:00")
                rows[1][3] shouldBe summer.atZone(la)
                session.close()
            }
        }
    }

    test("inline JSON: the statement conf's timezone names the zone across a DST change, and applies to that statement only") {
        Fixtures.client(wh).use { client ->
            val options = Fixtures.inlineJson.copy(conf = mapOf("TimeZone" to "America/Los_Angeles"))
            val result = client.execute(tsSql, options = options)
            result.batches().map { b -> b.use { (it.schema.findField("t").type as ArrowType.Timestamp).timezone } }.toList() shouldBe
                listOf("America/Los_Angeles")
            result.rows().map { listOf(it.getString("t"), it.getZonedDateTime("t")) }.toList() shouldBe listOf(
                listOf("2021-01-01T10:00:00.000-08:00", winter.atZone(la)),
                listOf("2021-07-01T11:00:00.123456-07:00", summer.atZone(la)),
            )
            // the next statement, without the conf, is UTC again
            client.execute(tsSql, options = Fixtures.inlineJson).rows().map { it.getString("t") }.toList() shouldBe
                listOf("2021-01-01T18:00:00.000Z", "2021-07-01T18:00:00.123456Z")
        }
    }

    test("getString renders TIMESTAMP like the server's inline text, UTC included") {
        Fixtures.client(wh).use { client ->
            val json = client.execute(tsSql, options = Fixtures.inlineJson)
            val serverText = json.rows().map { it.getString("t") }.toList()
            serverText shouldBe listOf("2021-01-01T18:00:00.000Z", "2021-07-01T18:00:00.123456Z")
            client.execute(tsSql, options = arrow).rows().map { it.getString("t") }.toList() shouldBe serverText
        }
    }

    test("INTERVAL parameters from Duration and Period round-trip through the warehouse") {
        Fixtures.client(wh).use { client ->
            val d = Duration.ofDays(3).plusHours(4).plusMinutes(30).plusSeconds(20).plusNanos(123_456_000)
            val negative = Duration.ofMillis(-1500)
            val p = Period.of(-1, -2, 0)
            for (options in listOf(Fixtures.inlineJson, arrow)) {
                val row = client.execute(
                    "SELECT :d AS d, :neg AS neg, :p AS p, :days AS days",
                    params { "d" to d; "neg" to negative; "p" to p; "days" to Period.ofDays(2) },
                    options,
                ).fetchOne()!!
                row shouldBe listOf(d, negative, Period.ofMonths(-14).normalized(), Duration.ofDays(2))
            }
        }
    }

    test("an INTERVAL value no SQL type holds is refused before sending") {
        shouldThrow<ConfigurationException> { params { "x" to Period.of(0, 1, 1) } }.message shouldContain "mixes months and days"
        shouldThrow<ConfigurationException> { params { "x" to Duration.ofNanos(1) } }.message shouldContain "microseconds"
    }

    test("per-statement conf takes effect for that statement only (ansi_mode, timezone)") {
        Fixtures.client(wh).use { client ->
            val session = client.openSession()
            val lenient = ExecuteOptions(conf = mapOf("ansi_mode" to "false"))
            session.execute("SELECT 1 / 0 AS x", options = lenient).fetchOne() shouldBe listOf(null)
            shouldThrow<SqlException> { session.execute("SELECT 1 / 0 AS x").fetchOne() }
            val tokyo = Fixtures.inlineJson.copy(conf = mapOf("TimeZone" to "Asia/Tokyo"))
            session.execute("SELECT TIMESTAMP '2021-01-01 18:00:00 UTC' AS t", options = tokyo).rows()
                .map { it.getString(0) }.toList() shouldBe listOf("2021-01-02T03:00:00.000+09:00")
            session.execute("SELECT TIMESTAMP '2021-01-01 18:00:00 UTC' AS t", options = Fixtures.inlineJson).rows()
                .map { it.getString(0) }.toList() shouldBe listOf("2021-01-01T18:00:00.000Z")
            session.close()
        }
        shouldThrow<ConfigurationException> { ExecuteOptions(conf = mapOf("spark.executor.memory" to "1g")) }
    }

    test("fetchOne / fetchMany / fetchAll continue where the last call stopped, across batches") {
        Fixtures.client(wh).use { client ->
            val result = client.execute("SELECT id FROM range(25000) ORDER BY id", options = arrow)
            result.cursor().use { c ->
                c.fetchOne() shouldBe listOf(0L)
                c.fetchMany(3) shouldBe listOf(listOf(1L), listOf(2L), listOf(3L))
                val rest = c.fetchAll()
                rest.size shouldBe 24996
                rest.first() shouldBe listOf(4L)
                rest.last() shouldBe listOf(24999L)
                c.fetchOne() shouldBe null
                c.fetchMany(10) shouldBe emptyList()
            }
            result.fetchMany(2) shouldBe listOf(listOf(0L), listOf(1L))
            result.fetchAll().size shouldBe 25000
            shouldThrow<IllegalStateException> { result.fetchAll(maxRows = 24999) }.message shouldContain "more than fetchAll's bound"
        }
    }

    test("fetch helpers and description on an empty result") {
        Fixtures.client(wh).use { client ->
            for (options in listOf(Fixtures.inlineJson, arrow)) {
                val result = client.execute(
                    "SELECT CAST(id AS DECIMAL(10,2)) AS d, CAST(id AS STRING) AS s, CAST(NULL AS TIMESTAMP) AS t FROM range(0)",
                    options = options,
                )
                result.fetchOne() shouldBe null
                result.fetchMany(5) shouldBe emptyList()
                result.fetchAll() shouldBe emptyList()
                result.description shouldBe listOf(
                    ColumnDescription("d", "DECIMAL(10,2)", "DECIMAL", 10, 2, null),
                    ColumnDescription("s", "STRING", "STRING", null, null, null),
                    ColumnDescription("t", "TIMESTAMP", "TIMESTAMP", null, null, null),
                )
            }
        }
    }

    test("fetchAll returns detached values of every type") {
        Fixtures.client(wh).use { client ->
            val rows = client.execute("SELECT 1.50 AS d, 'x' AS s, NULL AS n", options = Fixtures.inlineJson).fetchAll()
            rows shouldBe listOf(listOf(BigDecimal("1.50"), "x", null))
        }
        ResultCursor.DEFAULT_FETCH_ALL_MAX_ROWS shouldBe 1_000_000L
    }

    test("a 100,000-value IN list through one SqlList parameter, no value in the SQL text") {
        Fixtures.client(wh).use { client ->
            val ids = SqlList.of((0 until 100_000).map { it * 3L })
            ids.elementType shouldBe "BIGINT"
            val sql = "SELECT count(*) AS n, CAST(sum(id) AS BIGINT) AS s FROM range(300000) WHERE id IN ${ids.inSubquery("ids")}"
            sql shouldBe "SELECT count(*) AS n, CAST(sum(id) AS BIGINT) AS s FROM range(300000) WHERE id IN (SELECT explode(from_json(:ids, 'ARRAY<BIGINT>')))"
            client.execute(sql, params { "ids" to ids }).fetchOne() shouldBe listOf(100_000L, 3L * (99_999L * 100_000L / 2))
            val words = SqlList.of(listOf("a", "it's", "\"quoted\"", null))
            val days = SqlList.of(listOf(LocalDate.of(2024, 2, 29)))
            val amounts = SqlList.of(listOf(BigDecimal("1.50"), BigDecimal("20")))
            client.execute(
                "SELECT array_contains(${words.unpack("w")}, 'it''s') AS a, array_contains(${days.unpack("d")}, DATE '2024-02-29') AS b, " +
                    "array_contains(${amounts.unpack("m")}, 20.00) AS c",
                params { "w" to words; "d" to days; "m" to amounts },
            ).fetchOne() shouldBe listOf(true, true, true)
            amounts.elementType shouldBe "DECIMAL(4,2)"
        }
    }

    test("IN lists without an exact JSON form, and too many parameters, fail with a clear message") {
        shouldThrow<ConfigurationException> { SqlList.of(listOf(1.5, 2.5)) }.message shouldContain "no exact JSON form"
        shouldThrow<ConfigurationException> { SqlList.of(listOf(byteArrayOf(1))) }.message shouldContain "no exact JSON form"
        shouldThrow<ConfigurationException> { SqlList.of(listOf<Any>(1, 2L)) }.message shouldContain "one class"
        shouldThrow<ConfigurationException> { SqlList.of(emptyList<Long>()) }.message shouldContain "SqlList.of(values, type)"
        SqlList.of(emptyList<Long>(), "BIGINT").size shouldBe 0
        shouldThrow<ConfigurationException> { SqlList.of(listOf(1), "BIGINT").unpack("x'); DROP") }
        shouldThrow<ConfigurationException> {
            StatementParameters((1..257).map { SqlParameter.named("p$it", it) })
        }.message shouldContain "SqlList"
    }
})
