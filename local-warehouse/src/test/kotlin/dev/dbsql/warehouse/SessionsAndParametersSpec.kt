package dev.dbsql.warehouse

import dev.dbsql.warehouse.api.QueryTag
import dev.dbsql.warehouse.statements.StatementState
import dev.dbsql.warehouse.support.TestHttp
import dev.dbsql.warehouse.support.arr
import dev.dbsql.warehouse.support.cells
import dev.dbsql.warehouse.support.obj
import dev.dbsql.warehouse.support.state
import dev.dbsql.warehouse.support.str
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.ktor.http.HttpMethod
import kotlinx.coroutines.delay
import kotlinx.serialization.json.jsonObject

class SessionsAndParametersSpec : FunSpec({
    val warehouse = LocalWarehouse.start()
    val http = TestHttp(warehouse)
    afterSpec {
        http.close()
        warehouse.close()
    }
    val wid = warehouse.warehouseId

    suspend fun newSession(): String =
        http.post("/api/2.0/sql/sessions/", """{"warehouse_id":"$wid","schema":"default"}""").json.str("session_id")

    test("every session-create path answers {session_id} and nothing else") {
        val replies = listOf(
            http.post("/api/2.0/sql/sessions", """{"warehouse_id":"$wid"}"""),
            http.post("/api/2.0/sql/sessions/", """{"warehouse_id":"$wid","session_confs":{"ansi_mode":"true","timezone":"UTC"}}"""),
            http.post("/api/2.0/sql/warehouses/$wid/sessions", """{"schema":"default","execution_mode":"FAST"}"""),
            http.post("/api/2.0/sql/statements/sessions/", """{"warehouse_id":"$wid"}"""),
        )
        for (reply in replies) {
            reply.status shouldBe 200
            reply.json.keys shouldBe setOf("session_id")
            reply.headers["x-databricks-rt-session"] shouldBe null
        }
        http.post("/api/2.0/sql/sessions", "{}").status shouldBe 400
    }

    test("session delete accepts warehouse_id in the query, in a body, or not at all") {
        http.delete("/api/2.0/sql/sessions/${newSession()}?warehouse_id=$wid").text shouldBe "{}"
        val s2 = newSession()
        http.call(HttpMethod.Delete, "/api/2.0/sql/sessions/$s2", """{"warehouse_id":"$wid","session_id":"$s2"}""").status shouldBe 200
        val s3 = newSession()
        http.delete("/api/2.0/sql/sessions/$s3").status shouldBe 200
        http.delete("/api/2.0/sql/sessions/$s3").status shouldBe 404
        http.execute("SELECT 1", "\"session_id\":\"$s3\"").status shouldBe 404
    }

    test("a session keeps its schema across statements; another session does not see it") {
        val s = newSession()
        for (sql in listOf("CREATE SCHEMA IF NOT EXISTS sess_a", "USE SCHEMA sess_a", "CREATE TABLE t_in_a AS SELECT 5 AS v")) {
            http.execute(sql, "\"session_id\":\"$s\"").json.state() shouldBe "SUCCEEDED"
        }
        http.execute("SELECT v FROM t_in_a", "\"session_id\":\"$s\"").json.obj("result").arr("data_array").cells() shouldBe listOf(listOf("5"))
        http.execute("SELECT v FROM t_in_a", "\"session_id\":\"${newSession()}\"").json.state() shouldBe "FAILED"
    }

    test("statements of one session run one at a time; the next waits PENDING") {
        val s = newSession()
        val slow = http.execute(ENDLESS_SQL, "\"session_id\":\"$s\",\"wait_timeout\":\"0s\"").json.str("statement_id")
        warehouse.admin.awaitState(slow, StatementState.RUNNING)
        val next = http.execute("SELECT 1", "\"session_id\":\"$s\",\"wait_timeout\":\"0s\"").json
        next.state() shouldBe "PENDING"
        delay(300)
        http.get("/api/2.0/sql/statements/${next.str("statement_id")}").json.state() shouldBe "PENDING"
        http.post("/api/2.0/sql/statements/$slow/cancel")
        http.awaitTerminal(next.str("statement_id")).state() shouldBe "SUCCEEDED"
        http.awaitTerminal(slow).state() shouldBe "CANCELED"
    }

    test("deleting a session cancels its running statement") {
        val s = newSession()
        val slow = http.execute(ENDLESS_SQL, "\"session_id\":\"$s\",\"wait_timeout\":\"0s\"").json.str("statement_id")
        warehouse.admin.awaitState(slow, StatementState.RUNNING)
        http.delete("/api/2.0/sql/sessions/$s?warehouse_id=$wid").status shouldBe 200
        warehouse.admin.awaitState(slow, StatementState.CANCELED)
    }

    test("named parameters with types and NULL") {
        val json = http.execute(
            "SELECT :a + 1 AS x, :s AS s, :d AS d",
            """"parameters":[{"name":"a","value":"41","type":"INT"},{"name":"s","value":null,"type":"STRING"},{"name":"d","value":"2024-02-29","type":"DATE"}]""",
        ).json
        json.state() shouldBe "SUCCEEDED"
        json.obj("result").arr("data_array").cells() shouldBe listOf(listOf("42", null, "2024-02-29"))
    }

    test("a parameter inside a table function keeps the columns' names and types") {
        // DuckDB cannot describe `range(?)` before it runs: the manifest must still say `square BIGINT`
        val json = http.execute(
            "SELECT id * id AS square FROM range(:n)",
            """"parameters":[{"name":"n","value":"4","type":"BIGINT"}]""",
        ).json
        json.state() shouldBe "SUCCEEDED"
        val column = json.obj("manifest").obj("schema").arr("columns").single().jsonObject
        column.str("name") shouldBe "square"
        column.str("type_name") shouldBe "LONG"
        json.obj("result").arr("data_array").cells() shouldBe listOf(listOf("0"), listOf("1"), listOf("4"), listOf("9"))
    }

    test("positional parameters with ordinal (JDBC shape)") {
        val json = http.execute(
            "SELECT ? * 2 AS x, ? AS y",
            """"parameters":[{"type":"INT","value":"21","ordinal":1},{"type":"STRING","ordinal":2}]""",
        ).json
        json.obj("result").arr("data_array").cells() shouldBe listOf(listOf("42", null))
    }

    test("a parameter value that does not cast is a FAILED statement; mixing named and positional is a 400") {
        http.execute("SELECT :a AS x", """"parameters":[{"name":"a","value":"abc","type":"INT"}]""").json.state() shouldBe "FAILED"
        http.execute("SELECT :a, ?", """"parameters":[{"name":"a","value":"1"},{"ordinal":1,"value":"2"}]""").status shouldBe 400
    }

    test("query tags are accepted and kept in the admin view") {
        val id = http.execute("SELECT 1", """"query_tags":[{"key":"team","value":"sdk"},{"key":"flag"}]""").json.str("statement_id")
        warehouse.admin.statement(id)!!.queryTags shouldBe listOf(QueryTag("team", "sdk"), QueryTag("flag", null))
        http.execute("SELECT 1", """"query_tags":[{"key":""}]""").status shouldBe 400
    }
})

class BoundedExecutorSpec : FunSpec({
    val warehouse = LocalWarehouse.start(WarehouseConfig(executorThreads = 1))
    val http = TestHttp(warehouse)
    afterSpec {
        http.close()
        warehouse.close()
    }

    test("statements beyond the executor's threads wait PENDING until a thread frees up") {
        val slow = http.execute(ENDLESS_SQL, "\"wait_timeout\":\"0s\"").json.str("statement_id")
        warehouse.admin.awaitState(slow, StatementState.RUNNING)
        val queued = http.execute("SELECT 1", "\"wait_timeout\":\"5s\"").json
        queued.state() shouldBe "PENDING"
        http.post("/api/2.0/sql/statements/$slow/cancel").status shouldBe 200
        http.awaitTerminal(queued.str("statement_id")).state() shouldBe "SUCCEEDED"
    }

    test("a PENDING statement can be canceled before it ever runs") {
        val slow = http.execute(ENDLESS_SQL, "\"wait_timeout\":\"0s\"").json.str("statement_id")
        warehouse.admin.awaitState(slow, StatementState.RUNNING)
        val queued = http.execute("SELECT 1", "\"wait_timeout\":\"0s\"").json.str("statement_id")
        http.post("/api/2.0/sql/statements/$queued/cancel")
        http.get("/api/2.0/sql/statements/$queued").json.state() shouldBe "CANCELED"
        warehouse.admin.statement(queued)!!.startedAt shouldBe null
        http.post("/api/2.0/sql/statements/$slow/cancel")
        http.awaitTerminal(slow).state() shouldBe "CANCELED"
    }
})
