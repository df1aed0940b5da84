package dev.dbsql.warehouse.security

import dev.dbsql.warehouse.LocalWarehouse
import dev.dbsql.warehouse.WarehouseConfig
import dev.dbsql.warehouse.support.rawExchange
import dev.dbsql.warehouse.support.state
import dev.dbsql.warehouse.support.str
import dev.dbsql.warehouse.tls.SelfSignedCertificate
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.ktor.client.HttpClient
import io.ktor.client.engine.cio.CIO
import io.ktor.client.request.get
import io.ktor.client.request.header
import javax.net.ssl.TrustManagerFactory
import javax.net.ssl.X509TrustManager

/** Absolute-form request targets (RFC 9112 §3.2.2) and the TLS mode's backend port. */
class RequestTargetSpec : FunSpec({
    val warehouse = LocalWarehouse.start()
    afterSpec { warehouse.close() }
    val auth = "Authorization: Bearer ${warehouse.token}\r\n"

    test("a request in absolute form is routed like its path") {
        val body = """{"statement":"SELECT 1 AS one","warehouse_id":"${warehouse.warehouseId}"}"""
        val reply = rawExchange(
            warehouse.port,
            "POST http://127.0.0.1:${warehouse.port}/api/2.0/sql/statements HTTP/1.1\r\nHost: 127.0.0.1\r\n$auth" +
                "Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n",
            body.toByteArray(),
            hangGuardMillis = 10_000,
        )
        reply.status shouldBe 200
        reply.json.state() shouldBe "SUCCEEDED"
        val id = reply.json.str("statement_id")
        val status = rawExchange(
            warehouse.port,
            "GET HTTPS://localhost:${warehouse.port}/api/2.0/sql/statements/$id/status?x=1 HTTP/1.1\r\nHost: localhost\r\n$auth\r\n",
            hangGuardMillis = 10_000,
        )
        status.status shouldBe 200
        warehouse.admin.requests().last().path shouldBe "/api/2.0/sql/statements/$id/status"
    }

    test("in TLS mode the plain-HTTP backend port refuses connections that did not come through TLS") {
        val cert = SelfSignedCertificate.generate()
        LocalWarehouse.start(WarehouseConfig(tls = cert.tlsConfig())).use { tls ->
            (tls.backendPort != tls.port) shouldBe true
            val side = rawExchange(
                tls.backendPort,
                "GET /api/2.0/sql/statements/x HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${tls.token}\r\n\r\n",
                hangGuardMillis = 10_000,
            )
            side.status shouldBe 403
            val trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm())
                .apply { init(cert.trustStore()) }.trustManagers.filterIsInstance<X509TrustManager>().first()
            val trusting = HttpClient(CIO) {
                expectSuccess = false
                engine { https { trustManager = trust } }
            }
            trusting.use { c ->
                c.get("${tls.baseUrl}/api/2.0/sql/statements/x") { header("Authorization", "Bearer ${tls.token}") }
                    .status.value shouldBe 404
            }
        }
    }
})
