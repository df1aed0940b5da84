package dev.dbsql.auth

import dev.dbsql.testing.HostileServer
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import java.util.concurrent.atomic.AtomicInteger

/**
 * A workspace whose OIDC discovery document points the token or authorization endpoint somewhere
 * else: the client secret, codes and refresh tokens must never go there.
 */
class OAuthEndpointTrustSpec : FunSpec({
    val capture = HostileServer.tokenIssuer()
    afterSpec { capture.close() }
    beforeTest { capture.received.clear() }

    suspend fun m2mFailure(tokenEndpoint: String): CredentialsConfigurationException =
        HostileServer.discovery({ tokenEndpoint }).use { workspace ->
            OAuthM2MProvider(workspace.baseUrl, SP_ID, SP_SECRET).use { p ->
                shouldThrow<CredentialsConfigurationException> { p.token() }
            }.also { workspace.received.map { it.uri } shouldBe listOf("/oidc/.well-known/oauth-authorization-server") }
        }

    test("a token_endpoint on another port of the loopback host gets no client secret") {
        val e = m2mFailure("${capture.baseUrl}/oidc/v1/token")
        e.field shouldBe "token_endpoint"
        e.message shouldContain "${capture.baseUrl}/oidc/v1/token"
        e.message shouldContain "not"
        capture.received.shouldBeEmpty()
    }

    test("a token_endpoint over plain http to a non-loopback host is refused") {
        val e = m2mFailure("http://tokens.attacker.example/oidc/v1/token")
        e.field shouldBe "token_endpoint"
        e.message shouldContain "http://tokens.attacker.example/oidc/v1/token"
        e.message shouldContain "plain http"
    }

    test("an https token_endpoint on a host nobody configured is refused, its query not echoed") {
        val e = m2mFailure("https://tokens.attacker.example/token?sig=abcdef123456")
        e.field shouldBe "token_endpoint"
        e.message shouldContain "https://tokens.attacker.example/token"
        e.message shouldNotContain "abcdef123456"
        e.message shouldContain "oauthHosts"
    }

    test("a non-http token_endpoint is refused") {
        m2mFailure("file:///etc/passwd").field shouldBe "token_endpoint"
    }

    test("a host the user configured explicitly is accepted") {
        HostileServer.discovery({ "${capture.baseUrl}/oidc/v1/token" }).use { workspace ->
            OAuthM2MProvider(workspace.baseUrl, SP_ID, SP_SECRET, oauthHosts = listOf(capture.baseUrl)).use { p ->
                p.token().value shouldBe "issued-by-hostile"
            }
        }
        capture.received.size shouldBe 1
        capture.received.single().uri shouldBe "/oidc/v1/token"
    }

    test("the configured hosts travel in AuthConfig and reach the provider") {
        HostileServer.discovery({ "${capture.baseUrl}/oidc/v1/token" }).use { workspace ->
            val config = AuthConfig.fromJson(AuthConfig.OAuthM2M(SP_ID, SecretRef.Env("S"), oauthHosts = listOf("127.0.0.1:${capture.port}")).toJson())
            (CredentialsFactory.create(config, workspace.baseUrl, CredentialsContext(env = mapOf("S" to SP_SECRET))) as OAuthM2MProvider).use { p ->
                p.token().value shouldBe "issued-by-hostile"
            }
            val strict = AuthConfig.OAuthM2M(SP_ID, SecretRef.Env("S"))
            (CredentialsFactory.create(strict, workspace.baseUrl, CredentialsContext(env = mapOf("S" to SP_SECRET))) as OAuthM2MProvider).use { p ->
                shouldThrow<CredentialsConfigurationException> { p.token() }
            }
        }
        capture.received.size shouldBe 1
    }

    test("the default chain stops at an untrusted endpoint instead of trying the next source") {
        HostileServer.discovery({ "${capture.baseUrl}/oidc/v1/token" }).use { workspace ->
            val env = mapOf("DATABRICKS_HOST" to workspace.baseUrl, "DATABRICKS_CLIENT_ID" to SP_ID, "DATABRICKS_CLIENT_SECRET" to SP_SECRET)
            DefaultChainProvider(context = CredentialsContext(env = env, homeDir = tempDir())).use { p ->
                shouldThrow<CredentialsConfigurationException> { p.token() }.field shouldBe "token_endpoint"
            }
        }
        capture.received.shouldBeEmpty()
    }

    test("U2M: an authorization_endpoint on another host never reaches the browser") {
        val opened = AtomicInteger()
        val browser = BrowserLauncher { opened.incrementAndGet() }
        HostileServer.discovery({ it.baseUrl + "/oidc/v1/token" }, { "https://login.attacker.example/authorize" }).use { workspace ->
            OAuthU2MProvider(workspace.baseUrl, redirectPort = 0, cacheDir = null, browser = browser).use { p ->
                val e = shouldThrow<CredentialsConfigurationException> { p.token() }
                e.field shouldBe "authorization_endpoint"
                e.message shouldContain "https://login.attacker.example/authorize"
            }
        }
        opened.get() shouldBe 0
    }

    test("U2M: a token_endpoint on another host gets no code or refresh token") {
        val opened = AtomicInteger()
        val browser = BrowserLauncher { opened.incrementAndGet() }
        HostileServer.discovery({ "${capture.baseUrl}/token" }, { it.baseUrl + "/oidc/v1/authorize" }).use { workspace ->
            OAuthU2MProvider(workspace.baseUrl, redirectPort = 0, cacheDir = null, browser = browser).use { p ->
                shouldThrow<CredentialsConfigurationException> { p.token() }.field shouldBe "token_endpoint"
            }
        }
        opened.get() shouldBe 0
        capture.received.shouldBeEmpty()
    }
})
