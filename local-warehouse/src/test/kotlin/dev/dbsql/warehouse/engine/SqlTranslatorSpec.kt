package dev.dbsql.warehouse.engine

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeInstanceOf

/** The Databricks → DuckDB rewrite, without DuckDB. */
class SqlTranslatorSpec : FunSpec({
    fun sql(text: String, params: List<SqlParameter> = emptyList()): Translated.Sql =
        SqlTranslator.translate(text, params).shouldBeInstanceOf<Translated.Sql>()

    test("range in FROM and JOIN positions yields id; elsewhere it is left alone") {
        sql("SELECT * FROM range(5)").sql shouldBe "SELECT * FROM (SELECT range AS id FROM range(5))"
        sql("select * from range(1, 3) t join RANGE(2) u on t.id = u.id").sql shouldBe
            "select * from (SELECT range AS id FROM range(1, 3)) t join (SELECT range AS id FROM range(2)) u on t.id = u.id"
        sql("SELECT a FROM t, range(2) r").sql shouldBe "SELECT a FROM t, (SELECT range AS id FROM range(2)) r"
        sql("SELECT range(3), x.range(1)").sql shouldBe "SELECT range(3), x.range(1)"
        sql("SELECT 'FROM range(3)' -- FROM range(3)").sql shouldBe "SELECT 'FROM range(3)' -- FROM range(3)"
    }

    test("Databricks types in CAST, :: , typed literals and CREATE TABLE") {
        sql("SELECT CAST(x AS STRING), CAST(y AS TIMESTAMP), TRY_CAST(z AS TIMESTAMP_NTZ)").sql shouldBe
            "SELECT CAST(x AS VARCHAR), CAST(y AS TIMESTAMPTZ), TRY_CAST(z AS TIMESTAMP)"
        sql("SELECT a::BINARY, b :: DECIMAL(5, 2), c::DECIMAL, d::BYTE").sql shouldBe
            "SELECT a:: BLOB, b :: DECIMAL(5,2), c:: DECIMAL(10,0), d:: TINYINT"
        sql("SELECT CAST(m AS MAP<STRING, ARRAY<INT>>), CAST(s AS STRUCT<a: INT, `b c`: STRING>)").sql shouldBe
            "SELECT CAST(m AS MAP(VARCHAR, INTEGER[])), CAST(s AS STRUCT(\"a\" INTEGER, \"b c\" VARCHAR))"
        sql("SELECT CAST(a AS ARRAY<ARRAY<LONG>>)").sql shouldBe "SELECT CAST(a AS BIGINT[][])"
        sql("SELECT TIMESTAMP '2020-01-01 00:00:00', TIMESTAMP_NTZ '2020-01-01'").sql shouldBe
            "SELECT CAST('2020-01-01 00:00:00' AS TIMESTAMPTZ), CAST('2020-01-01' AS TIMESTAMP)"
        sql("CREATE TABLE t (a STRING NOT NULL, `b` TIMESTAMP, c DECIMAL(10,2), PRIMARY KEY (a))").sql shouldBe
            "CREATE TABLE t (a VARCHAR NOT NULL, \"b\" TIMESTAMPTZ, c DECIMAL(10,2), PRIMARY KEY (a))"
        sql("SELECT timestamp FROM t WHERE string = 1").sql shouldBe "SELECT timestamp FROM t WHERE string = 1"
        sql("SELECT CAST(CAST(x AS INT) AS STRING)").sql shouldBe "SELECT CAST(CAST(x AS INTEGER) AS VARCHAR)"
    }

    test("strings, quoted identifiers, hex literals and comments") {
        sql("SELECT \"a'b\", 'it\\'s', `col``x` FROM t").sql shouldBe "SELECT 'a''b', 'it''s', \"col`x\" FROM t"
        sql("SELECT X'0aFF'").sql shouldBe "SELECT from_hex('0aFF')"
        sql("SELECT 1 /* a /* nested */ comment */ + 2").sql shouldBe "SELECT 1 /* a /* nested */ comment */ + 2"
        sql("SELECT r'\\n'").sql shouldBe "SELECT '\\n'"
    }

    test("catalog main and schema default in dotted names") {
        sql("SELECT * FROM main.default.t").sql shouldBe "SELECT * FROM \"dbsql_main\".\"default\".t"
        sql("SELECT * FROM `main`.`default`.`t`").sql shouldBe "SELECT * FROM \"dbsql_main\".\"default\".\"t\""
        sql("SELECT * FROM default.t").sql shouldBe "SELECT * FROM \"default\".t"
        sql("SELECT main.x FROM main").sql shouldBe "SELECT main.x FROM main"
        sql("SELECT current_database()").sql shouldBe "SELECT current_schema()"
    }

    test("named and positional parameters become typed casts; markers in literals and comments stay") {
        val s = sql("SELECT :a, :b, ':c', x::INT, ? /* :d ? */ FROM t WHERE y = ?", listOf(
            SqlParameter(name = "a", value = "1", type = "INT"),
            SqlParameter(name = "b", value = "x"),
            SqlParameter(ordinal = 1, value = "2020-01-01", type = "DATE"),
            SqlParameter(ordinal = 2, value = null, type = "DECIMAL(5,2)"),
        ))
        s.sql shouldBe "SELECT CAST(? AS INTEGER), CAST(? AS VARCHAR), ':c', x:: INTEGER, CAST(? AS DATE) /* :d ? */ FROM t WHERE y = CAST(NULL AS DECIMAL(5,2))"
        s.binds shouldBe listOf("1", "x", "2020-01-01")
        sql("SELECT :v", listOf(SqlParameter(name = "v", value = "YWJj", type = "BINARY"))).sql shouldBe "SELECT from_base64(CAST(? AS VARCHAR))"
        sql("SELECT :v", listOf(SqlParameter(name = "v", type = "VOID"))).sql shouldBe "SELECT NULL"
    }

    test("a missing parameter or an unknown type is a typed failure") {
        shouldThrow<SqlFailure> { sql("SELECT :missing") }.let {
            it.errorClass shouldBe "UNBOUND_SQL_PARAMETER"; it.sqlState shouldBe "42P02"
        }
        shouldThrow<SqlFailure> { sql("SELECT ?, ?", listOf(SqlParameter(ordinal = 1, value = "1"))) }.errorClass shouldBe "UNBOUND_SQL_PARAMETER"
        shouldThrow<SqlFailure> { sql("SELECT :a", listOf(SqlParameter(name = "a", value = "1", type = "NOPE"))) }.let {
            it.errorClass shouldBe "UNSUPPORTED_DATATYPE"; it.sqlState shouldBe "0A000"
        }
    }

    test("USE and SHOW are recognised; a trailing semicolon is dropped") {
        SqlTranslator.translate("USE CATALOG samples", emptyList()) shouldBe Translated.Use("samples", null)
        SqlTranslator.translate("use schema `tpch`;", emptyList()) shouldBe Translated.Use(null, "tpch")
        SqlTranslator.translate("USE samples.tpch", emptyList()) shouldBe Translated.Use("samples", "tpch")
        SqlTranslator.translate("USE tpch", emptyList()) shouldBe Translated.Use(null, "tpch")
        SqlTranslator.translate("SHOW CATALOGS", emptyList()).shouldBeInstanceOf<Translated.Show>()
        sql("SELECT 1;").sql shouldBe "SELECT 1"
        shouldThrow<SqlFailure> { SqlTranslator.translate("SELECT 'unclosed", emptyList()) }.errorClass shouldBe "PARSE_SYNTAX_ERROR"
    }

    test("Hive patterns") {
        ShowCommands.matches("*", "abc") shouldBe true
        ShowCommands.matches("a*", "ABC") shouldBe true
        ShowCommands.matches("x*|ab.", "abc") shouldBe true
        ShowCommands.matches("x*|ab", "abc") shouldBe false
        ShowCommands.matches("tp%", "tpch") shouldBe true
        ShowCommands.matches("a+b", "a+b") shouldBe true
        ShowCommands.matches("a+b", "aab") shouldBe false
        ShowCommands.matches(null, "anything") shouldBe true
    }

    test("DuckDB type texts map to Databricks type texts") {
        TypeMapping.dbxOfDuckText("STRUCT(a INTEGER, \"b c\" VARCHAR[])").typeText shouldBe "STRUCT<a: INT, b c: ARRAY<STRING>>"
        TypeMapping.dbxOfDuckText("MAP(VARCHAR, DECIMAL(10,2))").typeText shouldBe "MAP<STRING, DECIMAL(10,2)>"
        TypeMapping.dbxOfDuckText("TIMESTAMP WITH TIME ZONE").typeText shouldBe "TIMESTAMP"
        TypeMapping.dbxOfDuckText("TIMESTAMP").typeText shouldBe "TIMESTAMP_NTZ"
        TypeMapping.dbxOfDuckText("ENUM('a', 'b')").typeText shouldBe "STRING"
        TypeMapping.dbxOfDuckText("UBIGINT").typeText shouldBe "DECIMAL(20,0)"
        TypeMapping.dbxOfDuckText("INTEGER[3]").typeText shouldBe "ARRAY<INT>"
    }
})
