package dev.dbsql.warehouse.security

import dev.dbsql.warehouse.LocalWarehouse
import dev.dbsql.warehouse.WarehouseConfig
import dev.dbsql.warehouse.faults.Endpoint
import dev.dbsql.warehouse.faults.Fault
import dev.dbsql.warehouse.faults.Trigger
import dev.dbsql.warehouse.support.TestHttp
import dev.dbsql.warehouse.support.arr
import dev.dbsql.warehouse.support.obj
import dev.dbsql.warehouse.support.str
import io.kotest.assertions.throwables.shouldThrowAny
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.ktor.client.request.get
import io.ktor.client.statement.bodyAsBytes
import kotlinx.serialization.json.jsonObject

/**
 * The request log is complete before the response is observable: a client that has its answer
 * finds the record at once, with the status that was sent. The old server wrote it after the
 * response went out, and ~20 % of these checks failed; 60 rounds of each make that a certain failure.
 */
class RequestLogSpec : FunSpec({
    val warehouse = LocalWarehouse.start(WarehouseConfig(chunkRows = 100))
    val http = TestHttp(warehouse)
    afterSpec {
        http.close()
        warehouse.close()
    }

    test("every execute, status and download is in the log as soon as its answer is read") {
        repeat(60) {
            val json = http.execute("SELECT * FROM range(150)", "\"disposition\":\"EXTERNAL_LINKS\",\"format\":\"ARROW_STREAM\"").json
            val id = json.str("statement_id")
            warehouse.admin.requests(Endpoint.EXECUTE).count { it.statementId == id && it.status == 200 } shouldBe 1
            http.get("/api/2.0/sql/statements/$id/status")
            warehouse.admin.requests(Endpoint.STATUS).count { it.statementId == id && it.status == 200 } shouldBe 1
            val link = json.obj("result").arr("external_links")[0].jsonObject
            http.download(link).status shouldBe 200
            warehouse.admin.requests(Endpoint.DOWNLOAD).count { it.statementId == id && it.status == 200 } shouldBe 1
        }
    }

    test("a download cut by an injected reset is logged, with its fault, before the client sees the cut") {
        repeat(20) {
            val json = http.execute("SELECT * FROM range(150)", "\"disposition\":\"EXTERNAL_LINKS\",\"format\":\"ARROW_STREAM\"").json
            val id = json.str("statement_id")
            val link = json.obj("result").arr("external_links")[0].jsonObject
            val rule = warehouse.faults.inject(Endpoint.DOWNLOAD, Fault.ResetMidBody(10), Trigger.nth(1))
            shouldThrowAny { http.client.get(link.str("external_link")).bodyAsBytes() }
            val record = warehouse.admin.requests(Endpoint.DOWNLOAD).single { it.statementId == id }
            record.status shouldBe 200
            (record.fault != null) shouldBe true
            warehouse.faults.remove(rule)
        }
    }

    test("records of the same request are not written twice") {
        warehouse.admin.resetRequests()
        http.execute("SELECT 1")
        http.get("/api/2.0/sql/statements/nope")
        http.get("/no/such/route", token = null)
        warehouse.admin.requests().map { it.path } shouldBe listOf("/api/2.0/sql/statements", "/api/2.0/sql/statements/nope", "/no/such/route")
    }
})
