package dev.dbsql.warehouse

import dev.dbsql.warehouse.support.TestHttp
import dev.dbsql.warehouse.support.str
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.ktor.client.request.header
import io.ktor.http.HttpMethod
import kotlinx.serialization.json.int
import kotlinx.serialization.json.jsonPrimitive
import java.time.Duration

class AuthAndErrorsSpec : FunSpec({
    val warehouse = LocalWarehouse.start()
    val http = TestHttp(warehouse)
    afterSpec {
        http.close()
        warehouse.close()
    }

    test("no credentials: 401 with the gateway body and www-authenticate realm") {
        val reply = http.post("/api/2.0/sql/statements", "{}", token = null)
        reply.status shouldBe 401
        reply.headers["www-authenticate"] shouldBe "Bearer realm=\"DatabricksRealm\""
        reply.json["error_code"]!!.jsonPrimitive.int shouldBe 401
        reply.json.str("message") shouldBe "Credential was not sent or was of an unsupported type for this API."
    }

    test("an unsupported scheme is 401 too") {
        val reply = http.call(HttpMethod.Get, "/api/2.0/sql/statements/x", token = null) { header("Authorization", "Basic dXNlcjpwYXNz") }
        reply.status shouldBe 401
    }

    test("an unknown token: 403 Invalid access token") {
        val reply = http.get("/api/2.0/sql/statements/x", token = "dapi-not-a-token")
        reply.status shouldBe 403
        reply.json["error_code"]!!.jsonPrimitive.int shouldBe 403
        reply.json.str("message") shouldBe "Invalid access token."
    }

    test("an expired token: 401 Token expired with an invalid_token challenge; revoked tokens are unknown") {
        warehouse.tokens.addExpiring("short-lived", "sp", Duration.ofMillis(1))
        Thread.sleep(5)
        val reply = http.get("/api/2.0/sql/statements/x", token = "short-lived")
        reply.status shouldBe 401
        reply.headers["www-authenticate"] shouldBe "Bearer error=\"invalid_token\""
        reply.json.str("message") shouldBe "Token expired"
        warehouse.tokens.addStatic("extra")
        http.execute("SELECT 1").status shouldBe 200
        http.get("/api/2.0/sql/statements/x", token = "extra").status shouldBe 404
        warehouse.tokens.revoke("extra")
        http.get("/api/2.0/sql/statements/x", token = "extra").status shouldBe 403
    }

    test("discovery endpoints never answer 401") {
        http.get("/.well-known/databricks-config", token = null).status shouldBe 404
        (http.get("/oidc/.well-known/oauth-authorization-server", token = null).status != 401) shouldBe true
    }

    test("malformed JSON, missing statement, bad enums and bad wait_timeout are 400 with a JSON body") {
        val malformed = http.post("/api/2.0/sql/statements", "{not json")
        malformed.status shouldBe 400
        malformed.json.str("error_code") shouldBe "BAD_REQUEST"
        val missing = http.post("/api/2.0/sql/statements", """{"warehouse_id":"${warehouse.warehouseId}"}""")
        missing.status shouldBe 400
        missing.json.str("error_code") shouldBe "INVALID_PARAMETER_VALUE"
        missing.json.str("message") shouldContain "statement"
        http.execute("SELECT 1", "\"format\":\"PARQUET\"").json.str("message") shouldContain "format"
        http.execute("SELECT 1", "\"disposition\":\"SOMEWHERE\"").status shouldBe 400
        http.execute("SELECT 1", "\"on_wait_timeout\":\"WAIT\"").status shouldBe 400
        for (bad in listOf("3s", "51s", "10", "ten", "-5s")) {
            val reply = http.execute("SELECT 1", "\"wait_timeout\":\"$bad\"")
            reply.status shouldBe 400
            reply.json.str("error_code") shouldBe "INVALID_PARAMETER_VALUE"
            reply.json.str("message") shouldContain "wait_timeout"
        }
        for (good in listOf("0s", "5s", "50s")) http.execute("SELECT 1", "\"wait_timeout\":\"$good\"").status shouldBe 200
        http.execute("SELECT 1", "\"row_limit\": 0").status shouldBe 400
    }

    test("an unknown warehouse id is 404 RESOURCE_DOES_NOT_EXIST") {
        val reply = http.post("/api/2.0/sql/statements", """{"statement":"SELECT 1","warehouse_id":"nope"}""")
        reply.status shouldBe 404
        reply.json.str("error_code") shouldBe "RESOURCE_DOES_NOT_EXIST"
        reply.json.str("message") shouldContain "nope"
        http.post("/api/2.0/sql/warehouses/nope/sessions", "{}").status shouldBe 404
        http.post("/api/2.0/sql/sessions", """{"warehouse_id":"nope"}""").status shouldBe 404
    }

    test("an unknown API path is a JSON 404, unknown sessions too") {
        val reply = http.get("/api/2.0/sql/nothing/here")
        reply.status shouldBe 404
        reply.json.str("error_code") shouldBe "ENDPOINT_NOT_FOUND"
        http.delete("/api/2.0/sql/sessions/unknown-session").status shouldBe 404
        http.execute("SELECT 1", "\"session_id\":\"unknown-session\"").status shouldBe 404
    }
})
