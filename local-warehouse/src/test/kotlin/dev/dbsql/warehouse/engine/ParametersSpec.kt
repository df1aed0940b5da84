package dev.dbsql.warehouse.engine

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe

class ParametersSpec : FunSpec({
    val engine = SharedEngine.engine

    test("named parameters of every scalar type") {
        engine.openContext().use { ctx ->
            val p = listOf(
                SqlParameter("i", value = "42", type = "INT"),
                SqlParameter("l", value = "9007199254740993", type = "BIGINT"),
                SqlParameter("s", value = "it's"),
                SqlParameter("b", value = "true", type = "BOOLEAN"),
                SqlParameter("d", value = "123.45", type = "DECIMAL(10,2)"),
                SqlParameter("dt", value = "2020-02-20", type = "DATE"),
                SqlParameter("ts", value = "2021-06-15T12:34:56.789Z", type = "TIMESTAMP"),
                SqlParameter("ntz", value = "2021-06-15 12:34:56.789", type = "TIMESTAMP_NTZ"),
                SqlParameter("bin", value = "YWJj", type = "BINARY"),
                SqlParameter("f", value = "1.5", type = "FLOAT"),
                SqlParameter("t", value = "7", type = "TINYINT"),
                SqlParameter("sm", value = "7", type = "SMALLINT"),
                SqlParameter("v", type = "VOID"),
                SqlParameter("iv", value = "3 days", type = "INTERVAL DAY TO SECOND"),
            )
            ctx.run("SELECT :i, :l, :s, :b, :d, :dt, :ts, :ntz, :bin, :f, :t, :sm, :v, :iv", p, jsonOpts).use { r ->
                r.columns.map { it.typeText } shouldBe listOf("INT", "BIGINT", "STRING", "BOOLEAN", "DECIMAL(10,2)", "DATE", "TIMESTAMP",
                    "TIMESTAMP_NTZ", "BINARY", "FLOAT", "TINYINT", "SMALLINT", "VOID", "INTERVAL DAY TO SECOND")
                r.jsonRows() shouldBe listOf(listOf("42", "9007199254740993", "it's", "true", "123.45", "2020-02-20", "2021-06-15T12:34:56.789Z",
                    "2021-06-15T12:34:56.789", "YWJj", "1.5", "7", "7", null, "3 00:00:00.000000000"))
            }
        }
    }

    test("positional parameters, NULL values, reuse of a named marker") {
        engine.openContext().use { ctx ->
            val p = listOf(SqlParameter(ordinal = 2, value = "b"), SqlParameter(ordinal = 1, value = "1", type = "INT"), SqlParameter(ordinal = 3, type = "DECIMAL(5,2)"))
            ctx.jsonRows("SELECT ?, ?, ?", p) shouldBe listOf(listOf("1", "b", null))
            ctx.jsonRows("SELECT :x + :x", listOf(SqlParameter("x", value = "2", type = "INT"))) shouldBe listOf(listOf("4"))
            ctx.jsonRows("SELECT count(*) FROM samples.tpch.region WHERE r_name = :n", listOf(SqlParameter("n", value = "ASIA"))) shouldBe listOf(listOf("1"))
        }
    }

    test("markers in literals and comments are not parameters; :: is a cast") {
        engine.openContext().use { ctx ->
            ctx.jsonRows("SELECT ':a', '?', 2::STRING -- :b ?\n, :c", listOf(SqlParameter("c", value = "z"))) shouldBe listOf(listOf(":a", "?", "2", "z"))
        }
    }

    test("bad values and missing parameters fail with Databricks classes") {
        engine.openContext().use { ctx ->
            shouldThrow<SqlFailure> { ctx.exec("SELECT :n", listOf(SqlParameter("n", value = "abc", type = "INT"))) }.let {
                it.errorClass shouldBe "CAST_INVALID_INPUT"; it.sqlState shouldBe "22018"
            }
            shouldThrow<SqlFailure> { ctx.exec("SELECT :n", listOf(SqlParameter("n", value = "2020-13-45", type = "DATE"))) }.sqlState shouldBe "22018"
            shouldThrow<SqlFailure> { ctx.exec("SELECT :n") }.sqlState shouldBe "42P02"
            shouldThrow<SqlFailure> { ctx.exec("SELECT :n", listOf(SqlParameter("n", value = "1", type = "ARRAY<INT>"))) }.sqlState shouldBe "0A000"
            ctx.jsonRows("SELECT 1") shouldBe listOf(listOf("1"))
        }
    }
})
