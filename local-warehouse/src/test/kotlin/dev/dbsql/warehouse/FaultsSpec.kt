package dev.dbsql.warehouse

import dev.dbsql.warehouse.faults.Endpoint
import dev.dbsql.warehouse.faults.Fault
import dev.dbsql.warehouse.faults.Trigger
import dev.dbsql.warehouse.support.TestHttp
import dev.dbsql.warehouse.support.arr
import dev.dbsql.warehouse.support.obj
import dev.dbsql.warehouse.support.readArrowLongs
import dev.dbsql.warehouse.support.state
import dev.dbsql.warehouse.support.str
import io.kotest.assertions.throwables.shouldThrowAny
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.longs.shouldBeGreaterThanOrEqual
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.ktor.client.request.get
import io.ktor.client.request.prepareGet
import io.ktor.client.statement.bodyAsChannel
import io.ktor.utils.io.readRemaining
import kotlinx.io.readByteArray
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.int
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import java.time.Instant

class FaultsSpec : FunSpec({
    val warehouse = LocalWarehouse.start(WarehouseConfig(chunkRows = 1000))
    val http = TestHttp(warehouse)
    afterTest { warehouse.faults.clear() }
    afterSpec {
        http.close()
        warehouse.close()
    }

    suspend fun linkedResult(): Pair<String, JsonObject> {
        val json = http.execute("SELECT * FROM range(5000)", "\"disposition\":\"INLINE_OR_EXTERNAL_LINKS\",\"format\":\"ARROW_STREAM\"").json
        return json.str("statement_id") to json
    }

    fun links(json: JsonObject) = json.obj("result").arr("external_links").map { it.jsonObject }

    test("a reset on EXECUTE breaks the answer, but the statement was created (unlike a status fault)") {
        warehouse.faults.inject(Endpoint.EXECUTE, Fault.ResetMidBody(afterBytes = 10), Trigger.nth(1))
        shouldThrowAny { http.execute("SELECT 'reset execute'") }
        warehouse.admin.statementsWithText("SELECT 'reset execute'").size shouldBe 1
    }

    test("an injected 503 on EXECUTE answers before the statement exists, with Retry-After") {
        val rule = warehouse.faults.inject(Endpoint.EXECUTE, Fault.Status(503, retryAfterSeconds = 3), Trigger.nth(1))
        val before = warehouse.admin.statements().size
        val executes = warehouse.admin.executeCount
        val reply = http.execute("SELECT 'faulted'")
        reply.status shouldBe 503
        reply.headers["Retry-After"] shouldBe "3"
        reply.json.str("error_code") shouldBe "TEMPORARILY_UNAVAILABLE"
        warehouse.admin.statements().size shouldBe before
        warehouse.admin.executeCount shouldBe executes + 1
        http.execute("SELECT 'faulted'").json.state() shouldBe "SUCCEEDED"
        rule.fired shouldBe 1
        warehouse.admin.statementsWithText("SELECT 'faulted'").size shouldBe 1
        warehouse.admin.requests(Endpoint.EXECUTE).last { it.status == 503 }.fault shouldBe "Status"
    }

    test("429 always carries Retry-After, even when the rule names none") {
        warehouse.faults.inject(Endpoint.STATUS, Fault.Status(429), Trigger.always())
        val id = http.execute("SELECT 1").json.str("statement_id")
        val reply = http.get("/api/2.0/sql/statements/$id")
        reply.status shouldBe 429
        reply.headers["Retry-After"] shouldBe "1"
    }

    test("a delay holds the request, then it is served normally") {
        val id = http.execute("SELECT 1").json.str("statement_id")
        warehouse.faults.inject(Endpoint.CHUNK, Fault.Delay(600))
        val started = System.nanoTime()
        http.get("/api/2.0/sql/statements/$id/result/chunks/0").status shouldBe 200
        ((System.nanoTime() - started) / 1_000_000) shouldBeGreaterThanOrEqual 600
    }

    test("the 3rd download only, once") {
        val (_, json) = linkedResult()
        warehouse.faults.inject(Endpoint.DOWNLOAD, Fault.Status(503, 1), Trigger.nth(3))
        links(json).map { http.download(it).status } shouldBe listOf(200, 200, 503, 200, 200)
    }

    test("every download from the 2nd on, 2 times") {
        val (_, json) = linkedResult()
        warehouse.faults.inject(Endpoint.DOWNLOAD, Fault.Status(500), Trigger.from(2, times = 2))
        links(json).map { http.download(it).status } shouldBe listOf(200, 500, 500, 200, 200)
    }

    test("seeded probability is reproducible") {
        val (_, json) = linkedResult()
        val all = links(json)
        fun pattern(): List<Int> {
            warehouse.faults.clear()
            warehouse.faults.inject(Endpoint.DOWNLOAD, Fault.Status(503, 1), Trigger.probability(0.5, seed = 42))
            return kotlinx.coroutines.runBlocking { (all + all + all + all).map { http.download(it).status } }
        }
        val first = pattern()
        pattern() shouldBe first
        (first.count { it == 503 } in 1 until first.size) shouldBe true
    }

    test("connection reset mid-body: the client sees the body break") {
        val (_, json) = linkedResult()
        val link = links(json)[0]
        warehouse.faults.inject(Endpoint.DOWNLOAD, Fault.ResetMidBody(), Trigger.nth(1))
        val error = shouldThrowAny { http.client.get(link.str("external_link")).bodyAsChannel().readRemaining().readByteArray() }
        error.message shouldContain "Content-Length mismatch"
        warehouse.admin.requests(Endpoint.DOWNLOAD).count { it.fault == "ResetMidBody" } shouldBe 1
        readArrowLongs(http.download(link).bytes).size shouldBe 1000
    }

    test("truncated body: Content-Length promised, fewer bytes, connection closed") {
        val (_, json) = linkedResult()
        val link = links(json)[0]
        warehouse.faults.inject(Endpoint.DOWNLOAD, Fault.TruncatedBody(keepBytes = 100), Trigger.from(1, times = 2))
        var promised: String? = null
        var received = -1
        runCatching {
            http.client.prepareGet(link.str("external_link")).execute { response ->
                promised = response.headers["Content-Length"]
                received = response.bodyAsChannel().readRemaining().readByteArray().size
            }
        }
        promised shouldBe link["byte_count"]!!.jsonPrimitive.content
        (received in 0..100) shouldBe true
        shouldThrowAny { http.client.get(link.str("external_link")) }.message shouldContain "Content-Length mismatch"
        warehouse.faults.clear()
        readArrowLongs(http.download(link).bytes).size shouldBe 1000
    }

    test("early link expiry: links issued already expired are refused; the next ones work") {
        warehouse.faults.inject(Endpoint.EXECUTE, Fault.ExpiredLinks(expiresInMillis = 0), Trigger.nth(1))
        val (id, json) = linkedResult()
        val link = links(json)[0]
        Instant.parse(link.str("expiration")).isAfter(Instant.now()) shouldBe false
        http.download(link).status shouldBe 403
        val fresh = http.get("/api/2.0/sql/statements/$id/result/chunks/0").json.arr("external_links")[0].jsonObject
        http.download(fresh).status shouldBe 200
    }

    test("faults can be switched by the admin endpoint") {
        val reply = http.post("/admin/faults", """[{"endpoint":"SESSION","fault":"STATUS","status":503,"retry_after_seconds":2,"nth":1},{"endpoint":"CANCEL","fault":"DELAY","delay_ms":10}]""", token = warehouse.adminToken)
        reply.status shouldBe 200
        reply.json.arr("rules").size shouldBe 2
        val session = http.post("/api/2.0/sql/sessions", """{"warehouse_id":"${warehouse.warehouseId}"}""")
        session.status shouldBe 503
        session.headers["Retry-After"] shouldBe "2"
        val listed = http.get("/admin/faults", token = warehouse.adminToken).json.arr("rules")
        listed[0].jsonObject["fired"]!!.jsonPrimitive.int shouldBe 1
        http.delete("/admin/faults", token = warehouse.adminToken).status shouldBe 200
        warehouse.faults.rules().size shouldBe 0
        http.post("/admin/faults", """{"endpoint":"NOPE","fault":"STATUS","status":503}""", token = warehouse.adminToken).status shouldBe 400
        http.post("/api/2.0/sql/sessions", """{"warehouse_id":"${warehouse.warehouseId}"}""").status shouldBe 200
    }

    test("admin endpoints list statements and requests without secret values") {
        http.execute("SELECT 'admin view'")
        val statements = http.get("/admin/statements", token = warehouse.adminToken).json.arr("statements")
        statements.any { it.jsonObject.str("statement") == "SELECT 'admin view'" } shouldBe true
        val requests = http.get("/admin/requests", token = warehouse.adminToken).text
        requests shouldContain "\"authorization\""
        (requests.contains(warehouse.token)) shouldBe false
    }
})
