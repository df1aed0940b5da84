package dev.dbsql.core.it

import dev.dbsql.core.ConfigurationException
import dev.dbsql.core.DatabricksSqlClient
import dev.dbsql.core.PemSource
import dev.dbsql.core.TlsConfig
import dev.dbsql.core.TlsException
import dev.dbsql.warehouse.LocalWarehouse
import dev.dbsql.warehouse.WarehouseConfig
import dev.dbsql.warehouse.tls.SelfSignedCertificate
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldStartWith
import java.nio.file.Files

class TlsSpec : FunSpec({
    lateinit var cert: SelfSignedCertificate
    lateinit var wh: LocalWarehouse

    beforeSpec {
        cert = SelfSignedCertificate.generate()
        wh = Fixtures.startWarehouse(WarehouseConfig(tls = cert.tlsConfig()))
    }
    afterSpec { wh.close() }

    test("HTTPS with the self-signed certificate works once it is configured as custom CA") {
        wh.baseUrl shouldStartWith "https://"
        Fixtures.client(wh) { tls = TlsConfig(customCa = PemSource.Inline(cert.certificatePem)) }.use { c ->
            c.execute("SELECT 1").manifest.totalRowCount shouldBe 1L
        }
        val file = Files.createTempFile("ca", ".pem").also { Files.writeString(it, cert.certificatePem) }
        Fixtures.client(wh) { tls = TlsConfig(customCa = PemSource.File(file.toString())) }.use { c ->
            c.execute("SELECT 2").manifest.totalRowCount shouldBe 1L
        }
    }

    test("without the custom CA the call fails with a TlsException naming TLS and the certificate") {
        Fixtures.client(wh).use { c ->
            wh.admin.resetRequests()
            val e = shouldThrow<TlsException> { c.execute("SELECT 1") }
            e.message shouldContain "TLS"
            e.message shouldContain "tls.customCa"
            e.retryable shouldBe false
            wh.admin.executeCount shouldBe 0L
        }
    }

    test("bad PEM material fails at client construction, naming the field") {
        shouldThrow<ConfigurationException> {
            DatabricksSqlClient(Fixtures.config(wh) { tls = TlsConfig(customCa = PemSource.Inline("not a pem")) })
        }.field shouldBe "tls.customCa"
        shouldThrow<ConfigurationException> {
            DatabricksSqlClient(Fixtures.config(wh) { tls = TlsConfig(customCa = PemSource.File("/no/such/file.pem")) })
        }.field shouldBe "tls.customCa"
        shouldThrow<ConfigurationException> {
            val rsa = "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n"
            DatabricksSqlClient(Fixtures.config(wh) { tls = TlsConfig(clientCertificate = PemSource.Inline(cert.certificatePem), clientKey = PemSource.Inline(rsa)) })
        }.message shouldContain "PKCS#8"
    }

    test("a client certificate and key (PKCS#8 PEM) are accepted for mutual TLS") {
        Fixtures.client(wh) {
            tls = TlsConfig(
                customCa = PemSource.Inline(cert.certificatePem),
                clientCertificate = PemSource.Inline(cert.certificatePem),
                clientKey = PemSource.Inline(cert.privateKeyPem()),
            )
        }.use { c ->
            c.execute("SELECT 1").manifest.totalRowCount shouldBe 1L
            c.config.toJson() shouldContain "\"redacted\":true"
            c.config.toJson().contains("PRIVATE KEY") shouldBe false
        }
    }
})
