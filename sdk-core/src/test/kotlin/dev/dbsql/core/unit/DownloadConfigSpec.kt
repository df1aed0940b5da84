package dev.dbsql.core.unit

import dev.dbsql.core.ClientConfig
import dev.dbsql.core.ConfigurationException
import dev.dbsql.core.DownloadConfig
import dev.dbsql.core.PemSource
import dev.dbsql.core.ProxyConfig
import dev.dbsql.core.Timeouts
import dev.dbsql.core.clientConfig
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlin.time.Duration.Companion.seconds

class DownloadConfigSpec : FunSpec({
    fun config(downloads: DownloadConfig) = clientConfig {
        host = "https://example.cloud.databricks.com"
        warehouse = "abc123"
        auth = pat("dapi-secret-token")
        proxy = ProxyConfig("proxy.corp", 3128, noProxy = listOf(".corp"))
        this.downloads = downloads
    }

    test("defaults: every download setting falls back to the API's") {
        val d = config(DownloadConfig()).downloads
        d.proxy shouldBe null
        d.customCa shouldBe null
        d.timeouts shouldBe null
        d.maxConcurrency shouldBe null
    }

    test("downloads survive a JSON round trip; secrets elsewhere stay redacted") {
        val downloads = DownloadConfig(
            proxy = ProxyConfig("storage-proxy.corp", 8080, noProxy = listOf("*.blob.core.windows.net")),
            customCa = PemSource.File("/etc/ssl/storage-ca.pem"),
            timeouts = Timeouts(connect = 3.seconds, socket = 20.seconds),
            maxConcurrency = 4,
        )
        val c = config(downloads)
        val json = c.toJson()
        json shouldContain "storage-proxy.corp"
        json.contains("dapi-secret-token") shouldBe false
        c.toString().contains("dapi-secret-token") shouldBe false
        c.toString() shouldContain "storage-proxy.corp"
        ClientConfig.fromJson(c.toJson(includeSecrets = true)) shouldBe c
        ClientConfig.fromJson(c.toJson(includeSecrets = true)).downloads shouldBe downloads
    }

    test("JSON without downloads (written before the field existed) reads with the defaults") {
        val c = config(DownloadConfig())
        val old = c.toJson(includeSecrets = true).replace(Regex(""","downloads":\{[^}]*\}"""), "")
        old.contains("downloads") shouldBe false
        ClientConfig.fromJson(old).downloads shouldBe DownloadConfig()
    }

    test("an invalid maxConcurrency names its field") {
        shouldThrow<ConfigurationException> { DownloadConfig(maxConcurrency = 0) }.field shouldBe "downloads.maxConcurrency"
    }
})
