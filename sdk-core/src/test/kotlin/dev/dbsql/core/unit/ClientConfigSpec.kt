package dev.dbsql.core.unit

import dev.dbsql.auth.AuthConfig
import dev.dbsql.auth.SecretRef
import dev.dbsql.core.ClientConfig
import dev.dbsql.core.ConfigurationException
import dev.dbsql.core.PemSource
import dev.dbsql.core.ProxyConfig
import dev.dbsql.core.ProxyType
import dev.dbsql.core.RetryPolicy
import dev.dbsql.core.Timeouts
import dev.dbsql.core.TlsConfig
import dev.dbsql.core.clientConfig
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds

class ClientConfigSpec : FunSpec({
    val secret = "dapi-very-secret-0123456789"
    val keyPem = "-----BEGIN PRIVATE KEY-----\nTUlJQ0VBSVNFQ1JFVEtFWU1BVEVSSUFM\n-----END PRIVATE KEY-----\n"

    fun valid() = clientConfig {
        host = "https://example.cloud.databricks.com"
        httpPath = "/sql/1.0/warehouses/abc123"
        auth = pat(secret)
    }

    fun fieldOf(block: () -> Unit): String = shouldThrow<ConfigurationException>(block).field

    test("maxResponseBytes: 256 MiB by default, kept through JSON, bounded") {
        val c = dev.dbsql.core.clientConfig { host = "https://x.example"; warehouse = "w"; auth = pat(dev.dbsql.auth.SecretRef.Env("T")) }
        c.maxResponseBytes shouldBe 256L * 1024 * 1024
        val small = c.copy(maxResponseBytes = 1024L * 1024)
        ClientConfig.fromJson(small.toJson()).maxResponseBytes shouldBe 1024L * 1024
        small.toJson() shouldContain "\"maxResponseBytes\":1048576"
        shouldThrow<ConfigurationException> { c.copy(maxResponseBytes = 10) }.field shouldBe "maxResponseBytes"
    }

    test("the DSL parses the warehouse id from the HTTP path") {
        valid().warehouseId shouldBe "abc123"
        ClientConfig.warehouseIdFromHttpPath("/sql/1.0/endpoints/e-1") shouldBe "e-1"
        fieldOf { ClientConfig.warehouseIdFromHttpPath("/sql/2/whatever") } shouldBe "httpPath"
    }

    test("a bare host name means https and the base URL has no trailing slash") {
        valid().copy(host = "example.cloud.databricks.com/").baseUrl shouldBe "https://example.cloud.databricks.com"
    }

    test("plain http is refused except for loopback hosts") {
        val e = shouldThrow<ConfigurationException> { valid().copy(host = "http://example.com") }
        e.field shouldBe "host"
        e.message shouldContain "loopback"
        valid().copy(host = "http://127.0.0.1:8080").baseUrl shouldBe "http://127.0.0.1:8080"
        valid().copy(host = "http://localhost:1").baseUrl shouldBe "http://localhost:1"
        valid().copy(host = "http://[::1]:1").baseUrl shouldBe "http://[::1]:1"
        fieldOf { valid().copy(host = "ftp://x.com") } shouldBe "host"
        fieldOf { valid().copy(host = "https://x.com/path") } shouldBe "host"
        fieldOf { valid().copy(host = " ") } shouldBe "host"
    }

    test("invalid values name their field") {
        fieldOf { valid().copy(warehouseId = "a/b") } shouldBe "warehouseId"
        fieldOf { Timeouts(connect = Duration.ZERO) } shouldBe "timeouts.connect"
        fieldOf { Timeouts(request = (-1).seconds) } shouldBe "timeouts.request"
        fieldOf { RetryPolicy(maxAttempts = 0) } shouldBe "retry.maxAttempts"
        fieldOf { RetryPolicy(baseDelay = 5.seconds, maxDelay = 1.seconds) } shouldBe "retry.maxDelay"
        fieldOf { ProxyConfig("proxy", 0) } shouldBe "proxy.port"
        fieldOf { TlsConfig(clientCertificate = PemSource.File("/x.pem")) } shouldBe "tls.clientKey"
        fieldOf { valid().copy(userAgentSuffix = "bad\nvalue") } shouldBe "userAgentSuffix"
        fieldOf { clientConfig { host = "https://x.com"; auth = pat("t") } } shouldBe "warehouseId"
        fieldOf { clientConfig { host = "https://x.com"; warehouse = "w" } } shouldBe "auth"
        fieldOf { clientConfig { warehouse = "w"; auth = pat("t") } } shouldBe "host"
    }

    test("a SOCKS proxy fails fast with a clear error") {
        val e = shouldThrow<ConfigurationException> { ProxyConfig("socks.local", 1080, ProxyType.SOCKS) }
        e.field shouldBe "proxy.type"
        e.message shouldContain "HTTP proxy"
    }

    test("no-proxy patterns match exact names and domain suffixes") {
        val p = ProxyConfig("proxy", 3128, noProxy = listOf("localhost", ".corp.example", "*.internal"))
        p.bypasses("localhost") shouldBe true
        p.bypasses("db.corp.example") shouldBe true
        p.bypasses("corp.example") shouldBe true
        p.bypasses("a.internal") shouldBe true
        p.bypasses("example.com") shouldBe false
    }

    test("JSON round trip keeps everything but redacts inline secrets by default") {
        val config = valid().copy(
            catalog = "main", schema = "default", retry = RetryPolicy(maxAttempts = 3),
            proxy = ProxyConfig("proxy.local", 3128, noProxy = listOf(".corp")),
            tls = TlsConfig(customCa = PemSource.File("/etc/ca.pem"), clientCertificate = PemSource.File("/c.pem"), clientKey = PemSource.Inline(keyPem)),
            userAgentSuffix = "app/1.0",
        )
        val redacted = config.toJson()
        redacted shouldNotContain secret
        redacted shouldNotContain "TUlJQ0VBSVNFQ1JFVEtFWU1BVEVSSUFM"
        redacted shouldContain "\"redacted\":true"
        config.toString() shouldNotContain secret
        config.toString() shouldNotContain "TUlJQ0VB"

        val full = config.toJson(includeSecrets = true)
        full shouldContain secret
        ClientConfig.fromJson(full) shouldBe config

        val e = shouldThrow<ConfigurationException> { ClientConfig.fromJson(redacted) }
        e.field shouldBe "auth.token"
        e.message shouldContain "redacted"
    }

    test("secret references travel in JSON and read back equal") {
        val config = valid().copy(auth = AuthConfig.Pat(SecretRef.Env("DATABRICKS_TOKEN")))
        val json = config.toJson()
        json shouldContain "DATABRICKS_TOKEN"
        ClientConfig.fromJson(json) shouldBe config
    }

    test("invalid JSON and invalid values fail with ConfigurationException") {
        fieldOf { ClientConfig.fromJson("{not json") } shouldBe "json"
        fieldOf { ClientConfig.fromJson("""{"host":"https://x.com"}""") } shouldBe "warehouseId"
        val bad = valid().copy(auth = AuthConfig.Pat(SecretRef.Env("T"))).toJson().replace("https://example", "http://example")
        fieldOf { ClientConfig.fromJson(bad) } shouldBe "host"
    }
})
