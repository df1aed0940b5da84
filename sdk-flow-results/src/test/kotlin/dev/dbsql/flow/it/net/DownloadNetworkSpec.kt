package dev.dbsql.flow.it.net

import dev.dbsql.auth.AuthConfig
import dev.dbsql.auth.SecretRef
import dev.dbsql.core.ClientConfigBuilder
import dev.dbsql.core.DatabricksSqlClient
import dev.dbsql.core.DownloadConfig
import dev.dbsql.core.PemSource
import dev.dbsql.core.ProxyConfig
import dev.dbsql.core.TlsConfig
import dev.dbsql.core.clientConfig
import dev.dbsql.flow.batches
import dev.dbsql.flow.it.Fixtures
import dev.dbsql.testing.ConnectProxy
import dev.dbsql.warehouse.LocalWarehouse
import dev.dbsql.warehouse.WarehouseConfig
import dev.dbsql.warehouse.oauth.OAuthSettings
import dev.dbsql.warehouse.tls.SelfSignedCertificate
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldStartWith
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/**
 * Real traffic through a real HTTP CONNECT proxy (in process): API calls, OAuth token requests and
 * CloudFetch link downloads. The warehouse serves HTTPS and writes `localhost` into its links while
 * clients use `127.0.0.1`, so the workspace host and the storage host have different names.
 */
class DownloadNetworkSpec : FunSpec({
    val secret = "download-net-secret"
    lateinit var cert: SelfSignedCertificate
    lateinit var wh: LocalWarehouse
    val rows = 5_000L

    beforeSpec {
        cert = SelfSignedCertificate.generate()
        wh = LocalWarehouse.start(
            WarehouseConfig(
                tls = cert.tlsConfig(),
                linkHost = "localhost",
                chunkRows = 1_000,
                oauth = OAuthSettings.enabled(secret = secret),
            ),
        )
    }
    afterSpec { wh.close() }

    val workspace = { "127.0.0.1:${wh.port}" }
    val storage = { "localhost:${wh.port}" }

    fun client(block: ClientConfigBuilder.() -> Unit): DatabricksSqlClient = DatabricksSqlClient(
        clientConfig {
            host = wh.baseUrl
            httpPath = wh.httpPath
            auth = pat(wh.token)
            tls = TlsConfig(customCa = PemSource.Inline(cert.certificatePem))
            retry { maxAttempts = 2; baseDelay = 20.milliseconds; maxDelay = 100.milliseconds; maxTotalTime = 20.seconds }
            block()
        },
    )

    /** Reads `range(rows)` through external links (5 chunks) and checks every id arrived once, in order. */
    suspend fun readAll(c: DatabricksSqlClient) {
        val before = wh.admin.downloadCount
        val check = Fixtures.IdCheck()
        c.execute("SELECT id FROM range($rows)", options = Fixtures.links()).batches().collect { b -> b.use { check.add(it) } }
        check.shouldBeRange(0, rows)
        (wh.admin.downloadCount - before >= 5) shouldBe true
    }

    test("API calls, OAuth token requests and link downloads all go through one CONNECT proxy") {
        wh.oauth.counters.reset()
        ConnectProxy().use { proxy ->
            client {
                auth = AuthConfig.OAuthM2M(OAuthSettings.SERVICE_PRINCIPAL_ID, SecretRef.Inline(secret))
                this.proxy = ProxyConfig("127.0.0.1", proxy.port)
            }.use { c -> readAll(c) }
            proxy.tunnels.toSet() shouldBe setOf(workspace(), storage())
            proxy.requests.map { it.method }.toSet() shouldBe setOf("CONNECT")
            // the OAuth requests as well: one User-Agent for all traffic
            proxy.requests.forEach { it.headers["user-agent"].orEmpty() shouldStartWith "dbsql-kotlin/" }
        }
        wh.oauth.counters.tokenRequests("client_credentials") shouldBe 1
    }

    test("noProxy exempting the storage host: downloads go direct, API calls through the proxy") {
        ConnectProxy().use { proxy ->
            client { this.proxy = ProxyConfig("127.0.0.1", proxy.port, noProxy = listOf("localhost")) }.use { c -> readAll(c) }
            proxy.tunnels.toSet() shouldBe setOf(workspace())
        }
    }

    test("noProxy exempting the workspace host: API calls go direct, downloads through the proxy") {
        ConnectProxy().use { proxy ->
            client { this.proxy = ProxyConfig("127.0.0.1", proxy.port, noProxy = listOf("127.0.0.1")) }.use { c -> readAll(c) }
            proxy.tunnels.toSet() shouldBe setOf(storage())
        }
    }

    test("a separate download proxy sees only link traffic, the API proxy only API traffic") {
        ConnectProxy().use { api ->
            ConnectProxy().use { links ->
                client {
                    proxy = ProxyConfig("127.0.0.1", api.port)
                    downloads = DownloadConfig(proxy = ProxyConfig("127.0.0.1", links.port))
                }.use { c -> readAll(c) }
                api.tunnels.toSet() shouldBe setOf(workspace())
                links.tunnels.toSet() shouldBe setOf(storage())
            }
        }
    }

    test("downloads.proxy with noProxy '*' sends downloads direct while API calls use the proxy") {
        ConnectProxy().use { proxy ->
            client {
                this.proxy = ProxyConfig("127.0.0.1", proxy.port)
                downloads = DownloadConfig(proxy = ProxyConfig("127.0.0.1", proxy.port, noProxy = listOf("*")))
            }.use { c -> readAll(c) }
            proxy.tunnels.toSet() shouldBe setOf(workspace())
        }
    }
})
