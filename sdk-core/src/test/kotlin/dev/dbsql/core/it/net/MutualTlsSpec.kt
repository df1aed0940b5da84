package dev.dbsql.core.it.net

import dev.dbsql.auth.AuthConfig
import dev.dbsql.auth.SecretRef
import dev.dbsql.core.PemSource
import dev.dbsql.core.TlsConfig
import dev.dbsql.core.TlsException
import dev.dbsql.core.it.Fixtures
import dev.dbsql.warehouse.LocalWarehouse
import dev.dbsql.warehouse.WarehouseConfig
import dev.dbsql.warehouse.oauth.OAuthSettings
import dev.dbsql.warehouse.tls.SelfSignedCertificate
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain

/** A warehouse that requires a client certificate (mutual TLS), and a certificate for another host. */
class MutualTlsSpec : FunSpec({
    val secret = "mtls-secret"
    lateinit var server: SelfSignedCertificate
    lateinit var clientCert: SelfSignedCertificate
    lateinit var wh: LocalWarehouse

    beforeSpec {
        server = SelfSignedCertificate.generate()
        clientCert = SelfSignedCertificate.generate(alias = "client")
        wh = Fixtures.startWarehouse(
            WarehouseConfig(tls = server.mutualTlsConfig(clientCert.certificate), oauth = OAuthSettings.enabled(secret = secret)),
        )
    }
    afterSpec { wh.close() }

    val withIdentity = {
        TlsConfig(
            customCa = PemSource.Inline(server.certificatePem),
            clientCertificate = PemSource.Inline(clientCert.certificatePem),
            clientKey = PemSource.Inline(clientCert.privateKeyPem()),
        )
    }

    test("with the client certificate, PAT and M2M (token requests included) work") {
        Fixtures.client(wh) { tls = withIdentity() }.use { c -> c.execute("SELECT 1").manifest.totalRowCount shouldBe 1L }
        wh.oauth.counters.reset()
        Fixtures.client(wh) {
            tls = withIdentity()
            auth = AuthConfig.OAuthM2M(OAuthSettings.SERVICE_PRINCIPAL_ID, SecretRef.Inline(secret))
        }.use { c -> c.execute("SELECT 1").manifest.totalRowCount shouldBe 1L }
        wh.oauth.counters.tokenRequests("client_credentials") shouldBe 1
    }

    test("without a client certificate the server refuses the handshake; the error points at mutual TLS") {
        wh.admin.resetRequests()
        Fixtures.client(wh) { tls = TlsConfig(customCa = PemSource.Inline(server.certificatePem)) }.use { c ->
            val e = shouldThrow<TlsException> { c.execute("SELECT 1") }
            e.message shouldContain "tls.clientCertificate"
        }
        wh.admin.executeCount shouldBe 0L
    }

    test("a certificate that does not name the host: the error says host-name mismatch, not tls.customCa") {
        val other = SelfSignedCertificate.generate(alias = "other", subjectAltNames = "dns:storage.invalid")
        Fixtures.startWarehouse(WarehouseConfig(tls = other.tlsConfig())).use { mismatched ->
            Fixtures.client(mismatched) { tls = TlsConfig(customCa = PemSource.Inline(other.certificatePem)) }.use { c ->
                val e = shouldThrow<TlsException> { c.execute("SELECT 1") }
                e.message shouldContain "host-name mismatch"
                e.message shouldNotContain "tls.customCa"
            }
        }
    }
})
