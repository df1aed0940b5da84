package dev.dbsql.warehouse.engine

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldStartWith

class EngineBasicsSpec : FunSpec({
    val engine = SharedEngine.engine

    test("range(n) yields a BIGINT column id in both formats") {
        engine.openContext().use { ctx ->
            ctx.run("SELECT * FROM range(3)", emptyList(), jsonOpts).use { r ->
                r.columns.map { it.name to it.typeName } shouldBe listOf("id" to "LONG")
                r.columns[0].typeText shouldBe "BIGINT"
                r.jsonRows() shouldBe listOf(listOf("0"), listOf("1"), listOf("2"))
                r.totalRows shouldBe 3
            }
            ctx.run("SELECT id * 2 AS d FROM range(1, 4)", emptyList(), arrowOpts).use { r ->
                r.arrowRows() shouldBe listOf(listOf(2L), listOf(4L), listOf(6L))
                r.arrowSchema().fields[0].metadata["Spark:DataType:SqlName"] shouldBe "BIGINT"
            }
        }
    }

    test("current catalog and schema start at main.default") {
        engine.openContext().use { ctx ->
            ctx.currentCatalog shouldBe "main"
            ctx.currentSchema shouldBe "default"
            ctx.jsonRows("SELECT current_catalog(), current_schema()") shouldBe listOf(listOf("main", "default"))
        }
    }

    test("unknown table maps to TABLE_OR_VIEW_NOT_FOUND") {
        engine.openContext().use { ctx ->
            val e = shouldThrow<SqlFailure> { ctx.run("SELECT * FROM nope_table", emptyList(), jsonOpts) }
            e.errorClass shouldBe "TABLE_OR_VIEW_NOT_FOUND"
            e.sqlState shouldBe "42P01"
            e.message!! shouldStartWith "\n[TABLE_OR_VIEW_NOT_FOUND]"
            e.message!! shouldContain "nope_table"
            e.message!! shouldContain "SQLSTATE: 42P01"
        }
    }
})
