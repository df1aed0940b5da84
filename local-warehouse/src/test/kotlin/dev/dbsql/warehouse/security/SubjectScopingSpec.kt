package dev.dbsql.warehouse.security

import dev.dbsql.warehouse.LocalWarehouse
import dev.dbsql.warehouse.WarehouseConfig
import dev.dbsql.warehouse.statements.StatementState
import dev.dbsql.warehouse.support.TestHttp
import dev.dbsql.warehouse.support.arr
import dev.dbsql.warehouse.support.obj
import dev.dbsql.warehouse.support.state
import dev.dbsql.warehouse.support.str
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.ktor.http.HttpMethod
import kotlinx.serialization.json.jsonObject

/** A statement, its chunks, its links and its session are visible only to the subject that created them. */
class SubjectScopingSpec : FunSpec({
    val warehouse = LocalWarehouse.start(WarehouseConfig(chunkRows = 100))
    val http = TestHttp(warehouse)
    val intruder = "dapi-intruder-token"
    warehouse.tokens.addStatic(intruder, "intruder@example.com")
    afterSpec {
        http.close()
        warehouse.close()
    }
    val base = "/api/2.0/sql/statements"

    test("another subject's token gets 404 for the statement, its status, chunks, cancel and close; the owner is unaffected") {
        val json = http.execute("SELECT * FROM range(250)", "\"disposition\":\"EXTERNAL_LINKS\",\"format\":\"ARROW_STREAM\"").json
        json.state() shouldBe "SUCCEEDED"
        val id = json.str("statement_id")
        http.get("$base/$id", token = intruder).status shouldBe 404
        http.get("$base/$id/status", token = intruder).status shouldBe 404
        http.get("$base/$id/result/chunks/1", token = intruder).status shouldBe 404
        http.post("$base/$id/cancel", token = intruder).status shouldBe 404
        http.delete("$base/$id", token = intruder).status shouldBe 404
        val unknown = http.get("$base/01ef0000-0000-0000-0000-00000000dead", token = intruder)
        http.get("$base/$id", token = intruder).json.str("error_code") shouldBe unknown.json.str("error_code")

        http.get("$base/$id").json.state() shouldBe "SUCCEEDED"
        val link = http.get("$base/$id/result/chunks/1").json.arr("external_links")[0].jsonObject
        http.download(link).status shouldBe 200
        warehouse.admin.statement(id)!!.let {
            it.cancelArrived shouldBe false
            it.closeArrived shouldBe false
        }
    }

    test("another subject cannot cancel a running statement") {
        val id = http.execute(dev.dbsql.warehouse.ENDLESS_SQL, "\"wait_timeout\":\"0s\"").json.str("statement_id")
        http.post("$base/$id/cancel", token = intruder).status shouldBe 404
        warehouse.admin.statement(id)!!.cancelArrived shouldBe false
        http.post("$base/$id/cancel").status shouldBe 200
        warehouse.admin.awaitState(id, StatementState.CANCELED)
    }

    test("another subject cannot run statements in, or delete, a session") {
        val session = http.post("/api/2.0/sql/sessions", """{"warehouse_id":"${warehouse.warehouseId}"}""").json.str("session_id")
        http.call(HttpMethod.Post, base, """{"statement":"SELECT 1","session_id":"$session"}""", token = intruder).status shouldBe 404
        http.delete("/api/2.0/sql/sessions/$session", token = intruder).status shouldBe 404
        http.call(HttpMethod.Post, base, """{"statement":"SELECT 7 AS n","session_id":"$session"}""").json.state() shouldBe "SUCCEEDED"
        http.delete("/api/2.0/sql/sessions/$session").status shouldBe 200
    }

    test("another PAT of the same user sees the statement (a rotated token keeps access)") {
        warehouse.tokens.addStatic("dapi-second-token-of-pat-user")
        val id = http.execute("SELECT 1 AS one").json.str("statement_id")
        http.get("$base/$id", token = "dapi-second-token-of-pat-user").json.obj("status").str("state") shouldBe "SUCCEEDED"
    }
})
