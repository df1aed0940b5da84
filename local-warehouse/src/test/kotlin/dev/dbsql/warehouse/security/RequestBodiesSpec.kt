package dev.dbsql.warehouse.security

import dev.dbsql.warehouse.LocalWarehouse
import dev.dbsql.warehouse.WarehouseConfig
import dev.dbsql.warehouse.oauth.OAuthSettings
import dev.dbsql.warehouse.support.rawExchange
import dev.dbsql.warehouse.support.str
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlinx.serialization.json.jsonPrimitive
import java.io.ByteArrayOutputStream
import java.time.Duration
import java.util.zip.GZIPOutputStream

/**
 * Request bodies are bounded (raw and decoded, 413), checked after auth, read with a timeout (408),
 * and absent when neither Content-Length nor Transfer-Encoding is sent (RFC 9112 §6.3).
 * Each exchange has a 10 s hang guard: the old server never answered these.
 */
class RequestBodiesSpec : FunSpec({
    val limit = 64L * 1024
    val warehouse = LocalWarehouse.start(
        WarehouseConfig(
            maxRequestBodyBytes = limit,
            maxDecodedBodyBytes = 2 * limit,
            bodyReadTimeout = Duration.ofMillis(500),
            oauth = OAuthSettings.enabled(),
        ),
    )
    afterSpec { warehouse.close() }
    val port = warehouse.port
    val auth = "Authorization: Bearer ${warehouse.token}\r\n"
    val guard = 10_000

    fun post(path: String, headers: String) = "POST $path HTTP/1.1\r\nHost: localhost\r\n$headers\r\n"

    test("a declared body over the raw limit is 413 with a SEA-style error, before it is sent") {
        val reply = rawExchange(
            port,
            post("/api/2.0/sql/statements", "${auth}Content-Type: application/json\r\nContent-Length: 1400000000\r\n"),
            hangGuardMillis = guard,
        )
        reply.status shouldBe 413
        reply.json.str("error_code") shouldBe "REQUEST_ENTITY_TOO_LARGE"
        reply.json.str("message") shouldContain "$limit bytes"
    }

    test("a chunked body over the raw limit is 413 after reading no more than the limit") {
        val chunk = ByteArray(16 * 1024) { 'a'.code.toByte() }
        val body = ByteArrayOutputStream()
        repeat(8) {
            body.write("${Integer.toHexString(chunk.size)}\r\n".toByteArray())
            body.write(chunk)
            body.write("\r\n".toByteArray())
        }
        body.write("0\r\n\r\n".toByteArray())
        val reply = rawExchange(
            port,
            post("/api/2.0/sql/statements", "${auth}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"),
            body.toByteArray(),
            hangGuardMillis = guard,
        )
        reply.status shouldBe 413
    }

    test("a gzip bomb is refused with 413 once the decoded limit is passed") {
        val bomb = ByteArrayOutputStream().also { out ->
            GZIPOutputStream(out).use { gz -> repeat(64) { gz.write(ByteArray(1024 * 1024)) } }
        }.toByteArray()
        (bomb.size < limit) shouldBe true
        val reply = rawExchange(
            port,
            post(
                "/api/2.0/sql/statements",
                "${auth}Content-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: ${bomb.size}\r\n",
            ),
            bomb,
            hangGuardMillis = guard,
        )
        reply.status shouldBe 413
        reply.json.str("message") shouldContain "decodes to more than"
    }

    test("a gzip body within the limits is decoded as before") {
        val sql = """{"statement":"SELECT 42 AS n","warehouse_id":"${warehouse.warehouseId}"}"""
        val gz = ByteArrayOutputStream().also { out -> GZIPOutputStream(out).use { it.write(sql.toByteArray()) } }.toByteArray()
        val reply = rawExchange(
            port,
            post("/api/2.0/sql/statements", "${auth}Content-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: ${gz.size}\r\n"),
            gz,
            hangGuardMillis = guard,
        )
        reply.status shouldBe 200
        reply.json["status"].toString() shouldContain "SUCCEEDED"
    }

    test("without a token the body is not read: 401 at once") {
        val reply = rawExchange(
            port,
            post("/api/2.0/sql/statements", "Content-Type: application/json\r\nContent-Length: 1400000000\r\n"),
            hangGuardMillis = guard,
        )
        reply.status shouldBe 401
    }

    test("DELETE and POST without Content-Length or Transfer-Encoding and with Connection: close have no body") {
        val session = rawExchange(
            port,
            post("/api/2.0/sql/warehouses/${warehouse.warehouseId}/sessions", "${auth}Connection: close\r\n"),
            hangGuardMillis = guard,
        )
        session.status shouldBe 200
        val id = session.json["session_id"]!!.jsonPrimitive.content
        val deleted = rawExchange(
            port,
            "DELETE /api/2.0/sql/sessions/$id HTTP/1.1\r\nHost: localhost\r\n${auth}Connection: close\r\n\r\n",
            hangGuardMillis = guard,
        )
        deleted.status shouldBe 200
        deleted.body shouldBe "{}"
    }

    test("a body that stalls gets 408 after the read timeout") {
        val reply = rawExchange(
            port,
            post("/api/2.0/sql/statements", "${auth}Content-Type: application/json\r\nContent-Length: 100\r\n"),
            """{"statement":""".toByteArray(),
            hangGuardMillis = guard,
        )
        reply.status shouldBe 408
        reply.json.str("error_code") shouldBe "REQUEST_TIMEOUT"
    }

    test("the token endpoint bounds its form body too") {
        val reply = rawExchange(
            port,
            post("/oidc/v1/token", "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1400000000\r\n"),
            hangGuardMillis = guard,
        )
        reply.status shouldBe 413
        reply.json.str("error") shouldBe "invalid_request"
    }
})
