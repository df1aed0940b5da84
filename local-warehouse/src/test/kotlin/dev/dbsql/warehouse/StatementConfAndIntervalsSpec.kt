package dev.dbsql.warehouse

import dev.dbsql.warehouse.support.TestHttp
import dev.dbsql.warehouse.support.arr
import dev.dbsql.warehouse.support.cells
import dev.dbsql.warehouse.support.obj
import dev.dbsql.warehouse.support.state
import dev.dbsql.warehouse.support.str
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldEndWith

class StatementConfAndIntervalsSpec : FunSpec({
    val warehouse = LocalWarehouse.start()
    val http = TestHttp(warehouse)
    afterSpec {
        http.close()
        warehouse.close()
    }
    val wid = warehouse.warehouseId

    suspend fun newSession(conf: String = ""): String =
        http.post("/api/2.0/sql/sessions/", """{"warehouse_id":"$wid"$conf}""").json.str("session_id")

    suspend fun firstCell(sql: String, fields: String): String? {
        val reply = http.execute(sql, fields).json
        reply.state() shouldBe "SUCCEEDED"
        return reply.obj("result").arr("data_array").cells()[0][0]
    }

    test("statement_conf timezone applies to that statement only, in and out of a session") {
        val ts = "SELECT TIMESTAMP '2021-01-01 18:00:00 UTC' AS t"
        val s = newSession(""","session_confs":{"timezone":"UTC"}""")
        firstCell(ts, """"session_id":"$s","statement_conf":{"timezone":"America/Los_Angeles"}""") shouldBe "2021-01-01T10:00:00.000-08:00"
        firstCell(ts, """"session_id":"$s"""") shouldBe "2021-01-01T18:00:00.000Z"
        firstCell(ts, """"statement_conf":{"TIMEZONE":"Asia/Tokyo"}""") shouldBe "2021-01-02T03:00:00.000+09:00"
        firstCell(ts, "") shouldEndWith "Z"
    }

    test("statement_conf ansi_mode applies to one statement; the session's setting comes back") {
        val s = newSession()
        firstCell("SELECT 1 / 0 AS x", """"session_id":"$s","statement_conf":{"ansi_mode":"false"}""") shouldBe null
        val failed = http.execute("SELECT 1 / 0 AS x", """"session_id":"$s"""").json
        failed.state() shouldBe "FAILED"
    }

    test("the session's settings come back after a statement with statement_conf failed") {
        val s = newSession()
        http.execute("SELECT no_such_column", """"session_id":"$s","statement_conf":{"timezone":"Asia/Tokyo","ansi_mode":"false"}""")
            .json.state() shouldBe "FAILED"
        firstCell("SELECT TIMESTAMP '2021-01-01 18:00:00 UTC' AS t", """"session_id":"$s"""") shouldBe "2021-01-01T18:00:00.000Z"
        http.execute("SELECT 1 / 0 AS x", """"session_id":"$s"""").json.state() shouldBe "FAILED"
    }

    test("a bad statement_conf time zone fails the statement, and the session still works") {
        val s = newSession()
        http.execute("SELECT 1", """"session_id":"$s","statement_conf":{"timezone":"Mars/Olympus"}""").json.state() shouldBe "FAILED"
        firstCell("SELECT 1 AS x", """"session_id":"$s"""") shouldBe "1"
    }

    test("INTERVAL parameters in Databricks' ANSI text forms") {
        val params = """"parameters":[
            {"name":"ym","value":"-1-2","type":"INTERVAL YEAR TO MONTH"},
            {"name":"dt","value":"3 04:30:20.123456","type":"INTERVAL DAY TO SECOND"},
            {"name":"neg","value":"-0 00:00:01.5","type":"INTERVAL DAY TO SECOND"},
            {"name":"h","value":"36","type":"INTERVAL HOUR"}]"""
        val reply = http.execute("SELECT :ym AS ym, :dt AS dt, :neg AS neg, :h AS h", params).json
        reply.state() shouldBe "SUCCEEDED"
        reply.obj("result").arr("data_array").cells()[0] shouldBe
            listOf("-1-2", "3 04:30:20.123456000", "-0 00:00:01.500000000", "1 12:00:00.000000000")
    }

    test("an INTERVAL parameter that does not fit its qualifier fails the statement") {
        val reply = http.execute("SELECT :x AS x", """"parameters":[{"name":"x","value":"1-13","type":"INTERVAL YEAR TO MONTH"}]""").json
        reply.state() shouldBe "FAILED"
    }

    test("one JSON parameter unpacked with from_json / explode / array_contains serves a 100,000-value IN list") {
        val ids = (0 until 100_000).map { it * 3L }
        val json = ids.joinToString(",", "[", "]")
        val p = """"parameters":[{"name":"ids","value":"$json","type":"STRING"}]"""
        firstCell("SELECT count(*) AS n FROM range(300000) WHERE id IN (SELECT explode(from_json(:ids, 'ARRAY<BIGINT>')))", p) shouldBe "100000"
        firstCell("SELECT count(*) AS n FROM range(10) WHERE array_contains(from_json(:ids, 'ARRAY<BIGINT>'), id)", p) shouldBe "4"
        val strings = """"parameters":[{"name":"s","value":"[\"a\",\"it's\",null]","type":"STRING"}]"""
        firstCell("SELECT count(*) FROM (SELECT explode(from_json(:s, 'ARRAY<STRING>')) AS v) WHERE v = 'it''s'", strings) shouldBe "1"
        http.execute("SELECT from_json(:s, concat('ARRAY<', 'INT>'))", strings).json.state() shouldBe "FAILED"
    }
})
