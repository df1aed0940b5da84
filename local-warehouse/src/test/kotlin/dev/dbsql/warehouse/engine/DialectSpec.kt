package dev.dbsql.warehouse.engine

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContain
import io.kotest.matchers.collections.shouldNotContain
import io.kotest.matchers.shouldBe
import java.util.concurrent.Callable
import java.util.concurrent.Executors

/** Databricks statements that need more than a text rewrite. */
class DialectSpec : FunSpec({
    val engine = SharedEngine.engine

    test("DESCRIBE QUERY and DESCRIBE TABLE give Databricks types") {
        engine.openContext().use { ctx ->
            ctx.run("DESCRIBE QUERY SELECT 1 AS a, 'x' AS b, CAST(1 AS DECIMAL(5,2)) AS c, [1] AS d", emptyList(), jsonOpts).use { r ->
                r.columns.map { it.name } shouldBe listOf("col_name", "data_type", "comment")
                r.jsonRows() shouldBe listOf(listOf("a", "INT", null), listOf("b", "STRING", null), listOf("c", "DECIMAL(5,2)", null), listOf("d", "ARRAY<INT>", null))
            }
            ctx.jsonRows("DESCRIBE TABLE samples.tpch.region") shouldBe
                listOf(listOf("r_regionkey", "BIGINT", null), listOf("r_name", "STRING", null), listOf("r_comment", "STRING", null))
            ctx.jsonRows("DESC samples.nyctaxi.trips").first() shouldBe listOf("tpep_pickup_datetime", "TIMESTAMP", null)
            ctx.jsonRows("DESCRIBE QUERY SELECT :p AS p", listOf(SqlParameter("p", value = "1", type = "BIGINT"))) shouldBe listOf(listOf("p", "BIGINT", null))
        }
    }

    test("CREATE CATALOG / DROP CATALOG") {
        engine.openContext().use { ctx ->
            ctx.exec("CREATE CATALOG dialect_cat")
            ctx.exec("CREATE CATALOG IF NOT EXISTS dialect_cat")
            shouldThrow<SqlFailure> { ctx.exec("CREATE CATALOG dialect_cat") }.sqlState shouldBe "42P04"
            engine.catalogs() shouldContain "dialect_cat"
            ctx.exec("CREATE TABLE dialect_cat.default.t (a INT)")
            ctx.exec("INSERT INTO dialect_cat.default.t VALUES (7)")
            engine.openContext("dialect_cat").use { other -> other.jsonRows("SELECT a FROM t") shouldBe listOf(listOf("7")) }
            ctx.exec("DROP CATALOG dialect_cat CASCADE")
            ctx.exec("DROP CATALOG IF EXISTS dialect_cat")
            engine.catalogs() shouldNotContain "dialect_cat"
            shouldThrow<SqlFailure> { ctx.exec("DROP CATALOG dialect_cat") }.errorClass shouldBe "NO_SUCH_CATALOG_EXCEPTION"
            shouldThrow<SqlFailure> { ctx.exec("DROP CATALOG main") }.sqlState shouldBe "42000"
        }
    }

    test("Delta-only clauses of CREATE TABLE are accepted") {
        engine.openContext().use { ctx ->
            ctx.exec("CREATE TABLE delta_t (a INT COMMENT 'the a', b STRING) USING DELTA COMMENT 'a table' TBLPROPERTIES ('delta.x' = '1')")
            ctx.exec("INSERT INTO delta_t VALUES (1, 'x')")
            ctx.jsonRows("SELECT * FROM delta_t") shouldBe listOf(listOf("1", "x"))
            ctx.exec("CREATE TABLE delta_u USING DELTA AS SELECT * FROM range(3)")
            ctx.jsonRows("SELECT count(*) FROM delta_u") shouldBe listOf(listOf("3"))
            ctx.exec("DROP TABLE delta_t")
            ctx.exec("DROP TABLE delta_u")
        }
    }

    test("ansi_mode decides whether division by zero fails") {
        engine.openContext().use { ctx ->
            shouldThrow<SqlFailure> { ctx.exec("SELECT 1 / 0") }.errorClass shouldBe "DIVIDE_BY_ZERO"
        }
        engine.openContext(conf = mapOf("ansi_mode" to "false")).use { ctx ->
            ctx.jsonRows("SELECT 1 / 0, 4 / 2") shouldBe listOf(listOf(null, "2.0"))
        }
        engine.openContext().use { ctx -> shouldThrow<SqlFailure> { ctx.exec("SELECT 1 / 0") }.sqlState shouldBe "22012" }
    }

    test("contexts run statements in parallel, each with its own session state") {
        val pool = Executors.newFixedThreadPool(4)
        try {
            val futures = (0 until 4).map { n ->
                pool.submit(Callable {
                    engine.openContext(conf = mapOf("timezone" to if (n % 2 == 0) "Etc/UTC" else "Asia/Tokyo")).use { ctx ->
                        if (n % 2 == 1) ctx.exec("USE CATALOG samples")
                        (0 until 5).map {
                            ctx.run("SELECT count(*) AS c, current_catalog() AS cat, CAST(TIMESTAMP '2020-01-01 00:00:00Z' AS STRING) AS t FROM range(${100000 * (n + 1)})",
                                emptyList(), arrowOpts).use { r -> r.arrowRows().single().map { v -> v.toString() } }
                        }.distinct()
                    }
                })
            }
            futures.mapIndexed { n, f ->
                f.get() shouldBe listOf(listOf((100000 * (n + 1)).toString(), if (n % 2 == 0) "main" else "samples",
                    if (n % 2 == 0) "2020-01-01 00:00:00+00" else "2020-01-01 09:00:00+09"))
            }
        } finally {
            pool.shutdown()
        }
        engine.allocatedBytes shouldBe 0
    }

    test("LZ4 chunks larger than the staging limit are compressed while written") {
        engine.openContext().use { ctx ->
            ctx.run("SELECT id FROM range(300000)", emptyList(), RunOptions(ResultFormat.ARROW_STREAM, lz4 = true, chunkRows = 100000, chunkBytes = 128L shl 20)).use { r ->
                r.chunks.size shouldBe 3
                r.chunks.forEach { c -> (c.storedByteCount < c.byteCount) shouldBe true }
                r.arrowRows().map { it[0] } shouldBe (0L until 300000L).toList()
            }
        }
    }

    test("SHOW COLUMNS IN a table name") {
        engine.openContext().use { ctx ->
            ctx.jsonRows("SHOW COLUMNS IN samples.tpch.region").map { it[0] to it[4] } shouldBe
                listOf("r_regionkey" to "BIGINT", "r_name" to "STRING", "r_comment" to "STRING")
            shouldThrow<SqlFailure> { ctx.exec("SHOW COLUMNS IN no_such_table") }.errorClass shouldBe "TABLE_OR_VIEW_NOT_FOUND"
        }
    }
})
