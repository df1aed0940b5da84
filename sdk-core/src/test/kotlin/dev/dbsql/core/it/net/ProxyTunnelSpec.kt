package dev.dbsql.core.it.net

import dev.dbsql.core.ConnectionException
import dev.dbsql.core.PemSource
import dev.dbsql.core.ProxyConfig
import dev.dbsql.core.TlsConfig
import dev.dbsql.core.it.Fixtures
import dev.dbsql.testing.ConnectProxy
import dev.dbsql.warehouse.LocalWarehouse
import dev.dbsql.warehouse.WarehouseConfig
import dev.dbsql.warehouse.tls.SelfSignedCertificate
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain

/** API calls through a real HTTP CONNECT proxy (in process) to the HTTPS warehouse. */
class ProxyTunnelSpec : FunSpec({
    lateinit var cert: SelfSignedCertificate
    lateinit var wh: LocalWarehouse
    beforeSpec {
        cert = SelfSignedCertificate.generate()
        wh = Fixtures.startWarehouse(WarehouseConfig(tls = cert.tlsConfig()))
    }
    afterSpec { wh.close() }
    val ca = { TlsConfig(customCa = PemSource.Inline(cert.certificatePem)) }

    test("statements run through the tunnel; the proxy opened exactly the workspace tunnel") {
        ConnectProxy().use { proxy ->
            Fixtures.client(wh) {
                this.proxy = ProxyConfig("127.0.0.1", proxy.port)
                tls = ca()
            }.use { c ->
                c.execute("SELECT 1").manifest.totalRowCount shouldBe 1L
                c.execute("SELECT 2").manifest.totalRowCount shouldBe 1L
            }
            proxy.tunnels.toSet() shouldBe setOf("127.0.0.1:${wh.port}")
            proxy.requests.map { it.method }.toSet() shouldBe setOf("CONNECT")
        }
    }

    test("a proxy that refuses the tunnel (407) fails the call with a ConnectionException that says so") {
        ConnectProxy(credentials = "proxy-user" to "proxy-pass").use { proxy ->
            Fixtures.client(wh) {
                this.proxy = ProxyConfig("127.0.0.1", proxy.port)
                tls = ca()
            }.use { c ->
                wh.admin.resetRequests()
                val e = shouldThrow<ConnectionException> { c.execute("SELECT 1") }
                e.message shouldContain "refused to open a tunnel"
                e.message shouldNotContain "proxy-pass"
                e.retryable shouldBe false
            }
            proxy.tunnels.shouldBeEmpty()
            wh.admin.executeCount shouldBe 0L
        }
    }

    test("the workspace host on the no-proxy list is reached directly") {
        ConnectProxy().use { proxy ->
            Fixtures.client(wh) {
                this.proxy = ProxyConfig("127.0.0.1", proxy.port, noProxy = listOf("127.0.0.1"))
                tls = ca()
            }.use { c -> c.execute("SELECT 1").manifest.totalRowCount shouldBe 1L }
            proxy.requests.shouldBeEmpty()
        }
    }
})
