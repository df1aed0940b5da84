package dev.dbsql.core.it

import dev.dbsql.testing.HostileServer
import dev.dbsql.auth.AuthConfig
import dev.dbsql.auth.CredentialsContext
import dev.dbsql.auth.CredentialsException
import dev.dbsql.auth.SecretRef
import dev.dbsql.auth.WorkspaceSettings
import dev.dbsql.core.ClientConfig
import dev.dbsql.core.ConfigurationException
import dev.dbsql.core.DatabricksSqlClient
import dev.dbsql.core.DatabricksSqlException
import dev.dbsql.core.PemSource
import dev.dbsql.core.TlsConfig
import dev.dbsql.core.clientConfig
import dev.dbsql.warehouse.faults.Endpoint
import dev.dbsql.warehouse.faults.Fault
import dev.dbsql.warehouse.faults.Trigger
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import io.kotest.matchers.types.shouldBeInstanceOf
import kotlinx.serialization.json.Json
import java.io.ByteArrayOutputStream
import java.io.PrintStream
import java.nio.file.Files

/**
 * The security and fault scenarios of the SDK run with `dev.dbsql` debug logging on (see the
 * surefire configuration); every exception message (causes and suppressed ones included), every
 * `toString` and default JSON, and every log line printed meanwhile is searched for the known secrets.
 */
class SecretLeakSpec : FunSpec({
    val token = "dapi0123456789abcdefSECRETTOKEN"
    val clientSecret = "m2m-client-secret-SECRET-42"
    val password = "hunter2-PASSWORD"
    val keyBody = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7SECRETKEYBODY"
    val privateKeyPem = "-----BEGIN PRIVATE KEY-----\n$keyBody\n-----END PRIVATE KEY-----\n"
    val secrets = listOf(token, clientSecret, password, keyBody)

    val texts = mutableListOf<String>()

    val captured = ByteArrayOutputStream()
    val originalErr = System.err
    val originalOut = System.out

    beforeSpec {
        val tee = PrintStream(captured, true)
        System.setErr(tee)
        System.setOut(tee)
    }
    afterSpec {
        System.setErr(originalErr)
        System.setOut(originalOut)
    }

    val pat = """{"type":"pat","token":{"type":"inline","value":"$token"}}"""
    val base = """"host":"https://example.cloud.databricks.com","warehouseId":"abc123""""

    test("ClientConfig.fromJson errors name the field, never the inline secret") {
        texts.failure<ConfigurationException> { ClientConfig.fromJson("""{$base,"auth":$pat, trailing""") }.field shouldBe "json"
        texts.failure<ConfigurationException> { ClientConfig.fromJson("""{$base,"auth":"$token"}""") }.field shouldBe "auth"
        texts.failure<ConfigurationException> { ClientConfig.fromJson("""{$base,"auth":$pat,"retry":{"maxAttempts":"$token"}}""") }.field shouldBe "retry.maxAttempts"
        texts.failure<ConfigurationException> { ClientConfig.fromJson("""{$base,"auth":$pat,"timeouts":{"connect":"$token"}}""") }.field shouldBe "timeouts.connect"
        texts.failure<ConfigurationException> { ClientConfig.fromJson("""{$base,"auth":{"type":"$token"}}""") }
        texts.failure<ConfigurationException> { ClientConfig.fromJson("""{"auth":$pat}""") }.message shouldContain "host"
        texts.failure<ConfigurationException> { ClientConfig.fromJson("""{$base,"auth":$pat,"tls":{"customCa":{"type":"inline","pem":$token}}}""") }
    }

    test("AuthConfig.fromJson errors name the field, never the inline secret") {
        texts.failure<IllegalArgumentException> { AuthConfig.fromJson("""$pat,""") }
        texts.failure<IllegalArgumentException> { AuthConfig.fromJson("""{"type":"pat","token":"$token"}""") }.message shouldContain "token"
        texts.failure<IllegalArgumentException> { AuthConfig.fromJson("""{"type":"oauth-m2m","clientId":"id","clientSecret":{"type":"inline","value":"$clientSecret"},"scopes":"$token"}""") }
            .message shouldContain "scopes"
        texts.failure<IllegalArgumentException> { AuthConfig.fromJson("""{"type":"$token"}""") }
    }

    test("a host with a password is refused without echoing the password") {
        val e = texts.failure<ConfigurationException> {
            clientConfig { host = "https://admin:$password@example.cloud.databricks.com"; warehouse = "abc"; auth = pat(token) }
        }
        e.field shouldBe "host"
        e.message shouldContain "https://example.cloud.databricks.com"
        texts.failure<ConfigurationException> { ClientConfig.fromJson("""{"host":"https://admin:$password@x/y?z","warehouseId":"abc","auth":$pat}""") }
        val env = mapOf("DATABRICKS_HOST" to "https://admin:$password@example.cloud.databricks.com", "DATABRICKS_TOKEN" to token)
        texts.failure<CredentialsException> { WorkspaceSettings.resolve(env = env, homeDir = Files.createTempDirectory("leak")) }
    }

    test("inline private keys are redacted by toJson, default serialization and toString, wherever they sit") {
        val certAndKey = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n$privateKeyPem"
        val config = clientConfig {
            host = "https://example.cloud.databricks.com"; warehouse = "abc"; auth = pat(SecretRef.Env("T"))
            tls = TlsConfig(clientCertificate = PemSource.Inline(certAndKey), clientKey = PemSource.Inline(privateKeyPem))
        }
        val json = config.toJson()
        json shouldContain "\"redacted\":true"
        texts += json + config.toString() + config.tls.toString()
        texts += Json.encodeToString(ClientConfig.serializer(), config)
        texts += Json.encodeToString(TlsConfig.serializer(), config.tls)
        config.toJson(includeSecrets = true) shouldContain keyBody
        ClientConfig.fromJson(config.toJson(includeSecrets = true)) shouldBe config
        texts.failure<ConfigurationException> { ClientConfig.fromJson(json) }.field shouldBe "tls.clientCertificate"
        val ca = config.copy(tls = TlsConfig(customCa = PemSource.Inline("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")))
        ClientConfig.fromJson(ca.toJson()) shouldBe ca
    }

    test("an OAuth discovery document naming another host gets no client secret; the client sees ConfigurationException") {
        HostileServer.tokenIssuer().use { capture ->
            HostileServer.discovery({ "${capture.baseUrl}/oidc/v1/token" }).use { workspace ->
                val config = clientConfig {
                    host = workspace.baseUrl; warehouse = "abc"
                    auth = AuthConfig.OAuthM2M("sp", SecretRef.Inline(clientSecret))
                    retry = Fixtures.fastRetry
                }
                DatabricksSqlClient(config).use { client ->
                    val e = texts.failure<ConfigurationException> { client.execute("SELECT 1") }
                    e.field shouldBe "token_endpoint"
                    e.message shouldContain capture.baseUrl
                }
                workspace.received.forEach { texts += it.text }
            }
            capture.received.shouldBeEmpty()
        }
    }

    test("wrong tokens, server faults and retries log nothing secret") {
        Fixtures.startWarehouse().use { wh ->
            Fixtures.client(wh) { auth = pat(token) }.use { client ->
                texts.failure<DatabricksSqlException> { client.execute("SELECT 1") }.shouldBeInstanceOf<dev.dbsql.core.AuthenticationException>()
            }
            Fixtures.client(wh).use { client ->
                wh.faults.inject(Endpoint.EXECUTE, Fault.Status(503, retryAfterSeconds = 0), Trigger.nth(1))
                wh.faults.inject(Endpoint.STATUS, Fault.Status(500), Trigger.always())
                client.execute("SELECT 1", options = Fixtures.INLINE_JSON).close()
                wh.faults.clear()
                wh.faults.inject(Endpoint.EXECUTE, Fault.Status(500), Trigger.always())
                texts.failure<DatabricksSqlException> { client.execute("SELECT 2", options = Fixtures.INLINE_JSON) }
                texts += client.toString()
            }
        }
    }

    test("no secret in any exception, toString, default JSON or log line of the scenarios above") {
        val output = captured.toString(Charsets.UTF_8)
        withClue("debug logging of the SDK must be captured") { output shouldContain "attempt" }
        secrets.forEach { secret ->
            withClue("captured log output") { output shouldNotContain secret }
            texts.forEachIndexed { i, text -> withClue("text #$i: $text") { text shouldNotContain secret } }
        }
    }
})

private fun describe(e: Throwable): String = generateSequence(e) { it.cause }.take(10).joinToString(" <- ") { t ->
    t.toString() + t.suppressed.joinToString { s -> " [suppressed ${s.message}]" }
}

/** Expects [T] from [block] and keeps its full description (causes, suppressed) for the final search. */
private inline fun <reified T : Throwable> MutableList<String>.failure(block: () -> Any?): T =
    shouldThrow<T> { block() }.also { add(describe(it)) }
