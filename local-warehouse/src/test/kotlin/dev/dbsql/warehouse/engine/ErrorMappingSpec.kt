package dev.dbsql.warehouse.engine

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.datatest.withData
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldEndWith
import io.kotest.matchers.string.shouldStartWith

class ErrorMappingSpec : FunSpec({
    val engine = SharedEngine.engine
    val ctx = engine.openContext()
    afterSpec { ctx.close() }
    ctx.exec("CREATE OR REPLACE TABLE err_t (a INT PRIMARY KEY, b INT NOT NULL, c INT CHECK (c > 0))")

    data class Case(val sql: String, val errorClass: String, val sqlState: String)

    withData(
        nameFn = { it.sql },
        Case("SELECT * FROM no_such_table", "TABLE_OR_VIEW_NOT_FOUND", "42P01"),
        Case("SELECT * FROM samples.tpch.nope", "TABLE_OR_VIEW_NOT_FOUND", "42P01"),
        Case("SELEC 1", "PARSE_SYNTAX_ERROR", "42601"),
        Case("SELECT no_such_col FROM err_t", "UNRESOLVED_COLUMN", "42703"),
        Case("SELECT CAST('x' AS INT)", "CAST_INVALID_INPUT", "22018"),
        Case("SELECT 1 // 0", "DIVIDE_BY_ZERO", "22012"),
        Case("SELECT no_such_fn(1)", "UNRESOLVED_ROUTINE", "42883"),
        Case("CREATE TABLE err_t (a INT)", "TABLE_OR_VIEW_ALREADY_EXISTS", "42P07"),
        Case("CREATE SCHEMA \"default\"", "SCHEMA_ALREADY_EXISTS", "42P06"),
        Case("INSERT INTO err_t VALUES (1, NULL, 1)", "NOT_NULL_CONSTRAINT_VIOLATION", "23502"),
        Case("INSERT INTO err_t VALUES (1, 1, -1)", "CHECK_CONSTRAINT_VIOLATION", "23514"),
        Case("INSERT INTO err_t VALUES (1, 1, 1), (1, 1, 1)", "UNIQUE_CONSTRAINT_VIOLATION", "23505"),
        Case("SELECT CAST(300 AS TINYINT)", "CAST_INVALID_INPUT", "22018"),
        Case("SELECT 9223372036854775807 + CAST(1 AS BIGINT)", "ARITHMETIC_OVERFLOW", "22003"),
        Case("SELECT * FROM nope_cat.s.t", "TABLE_OR_VIEW_NOT_FOUND", "42P01"),
    ) { c ->
        val e = shouldThrow<SqlFailure> { ctx.exec(c.sql) }
        (e.errorClass to e.sqlState) shouldBe (c.errorClass to c.sqlState)
        e.message!! shouldStartWith "\n[${c.errorClass}] "
        e.message!! shouldEndWith " SQLSTATE: ${c.sqlState}"
    }

    test("an error raised after many rows have streamed keeps its class and detail") {
        val sql = "SELECT CAST(CASE WHEN id > 300000 THEN 'x' ELSE '1' END AS INT) AS v FROM range(1000000)"
        val e = shouldThrow<SqlFailure> { ctx.run(sql, emptyList(), RunOptions(ResultFormat.ARROW_STREAM, chunkRows = 10000)).close() }
        e.errorClass shouldBe "CAST_INVALID_INPUT"
        e.message!! shouldStartWith "\n[CAST_INVALID_INPUT] Conversion Error: Could not convert string 'x' to INT32"
        engine.allocatedBytes shouldBe 0
    }

    test("the context still works after failures") {
        ctx.jsonRows("SELECT 1") shouldBe listOf(listOf("1"))
        engine.allocatedBytes shouldBe 0
    }
})
