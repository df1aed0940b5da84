package dev.dbsql.warehouse.engine

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContain
import io.kotest.matchers.collections.shouldContainAll
import io.kotest.matchers.collections.shouldNotContain
import io.kotest.matchers.ints.shouldBeGreaterThan
import io.kotest.matchers.shouldBe

class CatalogsAndShowSpec : FunSpec({
    val engine = SharedEngine.engine

    test("catalogs main and samples; samples tables are deterministic") {
        engine.catalogs() shouldContainAll listOf("main", "samples")
        engine.openContext().use { ctx ->
            ctx.jsonRows("SELECT count(*) FROM samples.tpch.orders") shouldBe listOf(listOf(Samples.ORDERS.toString()))
            ctx.jsonRows("SELECT count(*) FROM samples.nyctaxi.trips") shouldBe listOf(listOf(Samples.TRIPS.toString()))
            ctx.jsonRows("SELECT count(*) > 40000 FROM samples.tpch.lineitem") shouldBe listOf(listOf("true"))
            val first = ctx.jsonRows("SELECT * FROM samples.tpch.orders ORDER BY o_orderkey LIMIT 3")
            DuckDbEngine(EngineSettings()).use { other ->
                other.openContext().use { it.jsonRows("SELECT * FROM samples.tpch.orders ORDER BY o_orderkey LIMIT 3") } shouldBe first
            }
        }
    }

    test("USE CATALOG / USE SCHEMA / USE c.s update the context and name resolution") {
        engine.openContext().use { ctx ->
            ctx.exec("USE CATALOG samples")
            (ctx.currentCatalog to ctx.currentSchema) shouldBe ("samples" to "default")
            ctx.exec("USE SCHEMA tpch")
            ctx.currentSchema shouldBe "tpch"
            ctx.jsonRows("SELECT count(*) FROM region") shouldBe listOf(listOf("5"))
            ctx.jsonRows("SELECT current_catalog(), current_schema(), current_database()") shouldBe listOf(listOf("samples", "tpch", "tpch"))
            ctx.exec("USE main.default")
            (ctx.currentCatalog to ctx.currentSchema) shouldBe ("main" to "default")
            shouldThrow<SqlFailure> { ctx.exec("USE CATALOG nope") }.let { it.errorClass shouldBe "NO_SUCH_CATALOG_EXCEPTION"; it.sqlState shouldBe "42704" }
            shouldThrow<SqlFailure> { ctx.exec("USE SCHEMA nope") }.errorClass shouldBe "SCHEMA_NOT_FOUND"
            (ctx.currentCatalog to ctx.currentSchema) shouldBe ("main" to "default")
        }
    }

    test("openContext with catalog/schema, and unknown names fail") {
        engine.openContext("samples", "nyctaxi").use { ctx ->
            ctx.jsonRows("SELECT count(*) FROM trips") shouldBe listOf(listOf(Samples.TRIPS.toString()))
        }
        shouldThrow<SqlFailure> { engine.openContext("nope") }.errorClass shouldBe "NO_SUCH_CATALOG_EXCEPTION"
        shouldThrow<SqlFailure> { engine.openContext("main", "nope") }.let { it.errorClass shouldBe "SCHEMA_NOT_FOUND"; it.sqlState shouldBe "42704" }
        shouldThrow<SqlFailure> { engine.openContext(conf = mapOf("timezone" to "Mars/Base")) }.sqlState shouldBe "22022"
        engine.openContext(conf = mapOf("ansi_mode" to "false", "some.unknown" to "x")).use { it.jsonRows("SELECT 1") shouldBe listOf(listOf("1")) }
    }

    test("CREATE SCHEMA, tables in it and a view show up in SHOW commands") {
        engine.openContext().use { ctx ->
            ctx.exec("CREATE SCHEMA show_s")
            ctx.exec("CREATE TABLE main.show_s.people (id BIGINT NOT NULL, name STRING, amount DECIMAL(10,2), born TIMESTAMP)")
            ctx.exec("CREATE VIEW show_s.people_v AS SELECT id FROM show_s.people")

            ctx.jsonRows("SHOW CATALOGS").map { it[0] } shouldContainAll listOf("main", "samples")
            ctx.run("SHOW CATALOGS LIKE 'sam*'", emptyList(), jsonOpts).use { r ->
                r.columns.map { it.name } shouldBe listOf("catalog")
                r.jsonRows() shouldBe listOf(listOf("samples"))
            }
            ctx.run("SHOW SCHEMAS IN main", emptyList(), jsonOpts).use { r ->
                r.columns.map { it.name } shouldBe listOf("databaseName")
                r.jsonRows().map { it[0] } shouldContainAll listOf("default", "show_s")
                r.jsonRows().map { it[0] } shouldNotContain "main"
            }
            ctx.jsonRows("SHOW SCHEMAS IN samples LIKE 'tp*|nyc*'").map { it[0] } shouldBe listOf("nyctaxi", "tpch")
            ctx.jsonRows("SHOW DATABASES").map { it[0] } shouldContain "default"

            ctx.run("SHOW TABLES IN CATALOG main SCHEMA LIKE 'show_*' LIKE 'people*'", emptyList(), jsonOpts).use { r ->
                r.columns.map { it.name to it.typeName } shouldBe listOf("namespace" to "STRING", "tableName" to "STRING", "isTemporary" to "BOOLEAN",
                    "information" to "STRING", "catalogName" to "STRING", "tableType" to "STRING", "remarks" to "STRING")
                r.jsonRows() shouldBe listOf(
                    listOf("show_s", "people", "false", null, "main", "TABLE", null),
                    listOf("show_s", "people_v", "false", null, "main", "VIEW", null),
                )
            }
            ctx.jsonRows("SHOW TABLES IN ALL CATALOGS SCHEMA LIKE 'tpch' LIKE 'ord*'") shouldBe
                listOf(listOf("tpch", "orders", "false", null, "samples", "TABLE", null))
            ctx.jsonRows("SHOW TABLES IN samples.tpch").map { it[1] } shouldBe listOf("customer", "lineitem", "nation", "orders", "region")
            ctx.jsonRows("SHOW TABLES").map { it[1] } shouldNotContain "people"

            ctx.run("SHOW COLUMNS IN CATALOG main SCHEMA LIKE 'show_s' TABLE LIKE 'people'", emptyList(), jsonOpts).use { r ->
                r.columns.map { it.name } shouldBe listOf("col_name", "catalogName", "namespace", "tableName", "columnType", "columnSize",
                    "decimalDigits", "radix", "isNullable", "remarks", "ordinalPosition", "isAutoIncrement", "isGenerated")
                r.columns.map { it.typeName }.filterIndexed { i, _ -> i in listOf(5, 6, 7, 10) } shouldBe listOf("INT", "INT", "INT", "INT")
                r.jsonRows() shouldBe listOf(
                    listOf("id", "main", "show_s", "people", "BIGINT", "19", "0", "10", "false", null, "0", "NO", "NO"),
                    listOf("name", "main", "show_s", "people", "STRING", "2147483647", null, null, "true", null, "1", "NO", "NO"),
                    listOf("amount", "main", "show_s", "people", "DECIMAL(10,2)", "10", "2", "10", "true", null, "2", "NO", "NO"),
                    listOf("born", "main", "show_s", "people", "TIMESTAMP", "29", "6", null, "true", null, "3", "NO", "NO"),
                )
            }
            ctx.jsonRows("SHOW COLUMNS IN CATALOG samples SCHEMA LIKE 'nyctaxi' LIKE '*zip'").map { it[0] } shouldBe listOf("pickup_zip", "dropoff_zip")
            ctx.jsonRows("SHOW COLUMNS IN CATALOG main TABLE LIKE 'nothing_here'") shouldBe emptyList()
            shouldThrow<SqlFailure> { ctx.exec("SHOW TABLES IN CATALOG nope") }.errorClass shouldBe "NO_SUCH_CATALOG_EXCEPTION"
            shouldThrow<SqlFailure> { ctx.exec("SHOW FUNKY THINGS") }.sqlState shouldBe "42601"
            ctx.exec("DROP VIEW show_s.people_v")
            ctx.exec("DROP TABLE show_s.people")
            ctx.exec("DROP SCHEMA show_s")
        }
    }

    test("SHOW COLUMNS over every catalog is large enough to chunk") {
        engine.openContext().use { ctx ->
            ctx.run("SHOW COLUMNS IN CATALOG samples", emptyList(), RunOptions(ResultFormat.ARROW_STREAM, chunkRows = 10)).use { r ->
                r.chunks.size shouldBeGreaterThan 3
                r.arrowRows().size.toLong() shouldBe r.totalRows
            }
        }
    }
})
