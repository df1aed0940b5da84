package dev.dbsql.core.it.net

import dev.dbsql.auth.AuthConfig
import dev.dbsql.auth.CredentialsContext
import dev.dbsql.auth.SecretRef
import dev.dbsql.core.DatabricksSqlClient
import dev.dbsql.core.PemSource
import dev.dbsql.core.TlsConfig
import dev.dbsql.core.it.Fixtures
import dev.dbsql.warehouse.LocalWarehouse
import dev.dbsql.warehouse.WarehouseConfig
import dev.dbsql.warehouse.oauth.OAuthSettings
import dev.dbsql.warehouse.tls.SelfSignedCertificate
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import java.nio.file.Files

/**
 * OAuth requests (discovery and token) use the client's network settings: against the HTTPS
 * warehouse whose certificate is trusted only through `tls.customCa`, M2M and U2M sign in.
 */
class OAuthNetworkSpec : FunSpec({
    val secret = "net-spec-secret"
    lateinit var cert: SelfSignedCertificate
    lateinit var wh: LocalWarehouse

    beforeSpec {
        cert = SelfSignedCertificate.generate()
        wh = Fixtures.startWarehouse(
            WarehouseConfig(tls = cert.tlsConfig(), oauth = OAuthSettings.enabled(autoApprove = true, secret = secret)),
        )
    }
    afterSpec { wh.close() }
    beforeTest { wh.oauth.counters.reset() }

    test("M2M: the token request trusts the private CA of tls.customCa (no PKIX failure)") {
        Fixtures.client(wh) {
            auth = AuthConfig.OAuthM2M(OAuthSettings.SERVICE_PRINCIPAL_ID, SecretRef.Inline(secret))
            tls = TlsConfig(customCa = PemSource.Inline(cert.certificatePem))
        }.use { c ->
            c.execute("SELECT 1").manifest.totalRowCount shouldBe 1L
        }
        wh.oauth.counters.tokenRequests("client_credentials") shouldBe 1
    }

    test("U2M: discovery and the code exchange trust the private CA of tls.customCa") {
        val cacheDir = Files.createTempDirectory("net-u2m")
        TrustingBrowser(cert.certificate).use { browser ->
            val config = Fixtures.config(wh) {
                auth = AuthConfig.OAuthU2M(redirectPort = 0, cacheDir = cacheDir.toString())
                tls = TlsConfig(customCa = PemSource.Inline(cert.certificatePem))
            }
            DatabricksSqlClient(config, credentialsContext = CredentialsContext(browser = browser, homeDir = cacheDir)).use { c ->
                c.execute("SELECT 1").manifest.totalRowCount shouldBe 1L
            }
            browser.opened.get() shouldBe 1
            browser.lastStatus shouldBe 200
        }
        wh.oauth.counters.authorizeRequests shouldBe 1
        wh.oauth.counters.tokenRequests("authorization_code") shouldBe 1
    }
})
