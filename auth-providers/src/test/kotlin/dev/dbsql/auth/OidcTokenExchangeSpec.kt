package dev.dbsql.auth

import dev.dbsql.warehouse.oauth.TokenFederation
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import io.kotest.matchers.types.shouldBeInstanceOf
import com.sun.net.httpserver.HttpServer
import java.net.InetAddress
import java.net.InetSocketAddress
import java.net.URLDecoder
import java.nio.file.Files
import java.time.Duration
import java.time.Instant
import java.util.concurrent.CopyOnWriteArrayList

/** Workload identity federation (env-oidc, file-oidc, github-oidc) against the local warehouse's token exchange. */
class OidcTokenExchangeSpec : FunSpec({
    timeout = 60_000L // hang guard
    val federation = TokenFederation(secret = "federation-test-secret-0123456789")
    val warehouse = startWarehouse(federation = federation)
    val http = testHttpClient()
    val counters = warehouse.oauth.counters
    val tokenEndpoint = "${warehouse.baseUrl}/oidc/v1/token"
    afterSpec {
        http.close()
        warehouse.close()
    }
    beforeTest { counters.reset() }

    fun idToken(audience: String = tokenEndpoint, expiresAt: Instant = Instant.now().plus(Duration.ofMinutes(10))) =
        federation.mint("repo:acme/app:ref:refs/heads/main", audience, expiresAt)

    fun context(env: Map<String, String>, home: java.nio.file.Path = tempDir()) = CredentialsContext(env = env, homeDir = home)

    suspend fun CredentialsProvider.check() {
        http.selectOne(warehouse, token()) shouldBe "SUCCEEDED"
        (this as? AutoCloseable)?.close()
    }

    test("env-oidc: the ID token in DATABRICKS_OIDC_TOKEN is exchanged for the service principal") {
        val id = idToken()
        val provider = CredentialsFactory.create(AuthConfig.EnvOidc(clientId = SP_ID), warehouse.baseUrl, context(mapOf("DATABRICKS_OIDC_TOKEN" to id)))
        provider.name shouldBe "env-oidc"
        provider.toString() shouldNotContain id
        provider.check()
        counters.tokensIssued(TokenFederation.GRANT_TYPE) shouldBe 1
    }

    test("DATABRICKS_AUTH_TYPE=env-oidc with DATABRICKS_OIDC_TOKEN_ENV naming the variable") {
        val env = mapOf(
            "DATABRICKS_HOST" to warehouse.baseUrl,
            "DATABRICKS_AUTH_TYPE" to "env-oidc",
            "DATABRICKS_CLIENT_ID" to SP_ID,
            "DATABRICKS_OIDC_TOKEN_ENV" to "MY_ID_TOKEN",
            "MY_ID_TOKEN" to idToken(),
        )
        CredentialsFactory.create(AuthConfig.Environment, null, context(env)).check()
    }

    test("the default chain picks env-oidc up from DATABRICKS_HOST + DATABRICKS_OIDC_TOKEN, as the SDKs do") {
        val env = mapOf("DATABRICKS_HOST" to warehouse.baseUrl, "DATABRICKS_OIDC_TOKEN" to idToken())
        DefaultChainProvider(context = context(env)).use { chain ->
            http.selectOne(warehouse, chain.token()) shouldBe "SUCCEEDED"
            chain.selectedSource shouldBe "environment variables"
            chain.name shouldBe "env-oidc"
        }
    }

    test("file-oidc from a profile: the file is read again for every exchange") {
        val home = tempDir()
        val file = home.resolve("id-token")
        Files.writeString(file, idToken() + "\n")
        Files.writeString(
            home.resolve(".databrickscfg"),
            "[wif]\nhost = ${warehouse.baseUrl}\nauth_type = file-oidc\nclient_id = $SP_ID\ndatabricks_id_token_filepath = $file\n",
        )
        val provider = CredentialsFactory.create(AuthConfig.Profile("wif"), null, context(emptyMap(), home))
        val first = provider.token()
        http.selectOne(warehouse, first) shouldBe "SUCCEEDED"
        Files.writeString(file, idToken(expiresAt = Instant.now().minusSeconds(5)))
        provider.invalidate(first)
        val e = shouldThrow<OAuthException> { provider.token() }
        e.message!! shouldContain "invalid_grant"
        e.message!! shouldContain "expired"
        (provider as AutoCloseable).close()
    }

    test("an ID token for another audience is refused, and the error shows no token") {
        val id = idToken(audience = "https://other.example/oidc/v1/token")
        OidcTokenExchangeProvider(warehouse.baseUrl, IdTokenSource.environment(env = mapOf("DATABRICKS_OIDC_TOKEN" to id)), SP_ID).use { p ->
            val e = shouldThrow<OAuthException> { p.token() }
            e.httpStatus shouldBe 400
            e.message!! shouldContain "audience"
            e.message!! shouldNotContain id
        }
    }

    test("a configured audience is the one requested") {
        val audiences = CopyOnWriteArrayList<String>()
        val source = object : IdTokenSource {
            override val description = "test"
            override suspend fun idToken(audience: String, http: io.ktor.client.HttpClient): String {
                audiences += audience
                return idToken(audience = tokenEndpoint)
            }
        }
        OidcTokenExchangeProvider(warehouse.baseUrl, source, SP_ID, audience = "custom-audience").use { it.check() }
        OidcTokenExchangeProvider(warehouse.baseUrl, source, SP_ID).use { it.check() }
        audiences shouldBe listOf("custom-audience", tokenEndpoint)
    }

    test("a missing ID token names the variable; unknown auth types list the supported ones") {
        val e = shouldThrow<CredentialsException> {
            CredentialsFactory.create(AuthConfig.EnvOidc(variable = "NOT_SET_HERE"), warehouse.baseUrl, context(emptyMap())).token()
        }
        e.message!! shouldContain "NOT_SET_HERE"
        val unsupported = shouldThrow<CredentialsException> {
            CredentialsFactory.create(AuthConfig.Environment, null, context(mapOf("DATABRICKS_HOST" to warehouse.baseUrl, "DATABRICKS_AUTH_TYPE" to "azure-cli")))
        }
        unsupported.message!! shouldContain
            "unsupported DATABRICKS_AUTH_TYPE 'azure-cli' (supported: pat, oauth-m2m, external-browser, databricks-cli, env-oidc, file-oidc, github-oidc)"
    }

    context("github-oidc") {
        val requestToken = "gh-request-token-0123456789"
        val requested = CopyOnWriteArrayList<String>()
        // the GitHub Actions ID-token endpoint: a small in-process server (the edge)
        val github = HttpServer.create(InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0)
        github.createContext("/token") { exchange ->
            exchange.use {
                val query = it.requestURI.rawQuery.orEmpty().split('&').associate { kv ->
                    URLDecoder.decode(kv.substringBefore('='), Charsets.UTF_8) to URLDecoder.decode(kv.substringAfter('=', ""), Charsets.UTF_8)
                }
                val (status, body) = if (it.requestHeaders.getFirst("Authorization") != "Bearer $requestToken") {
                    401 to """{"message":"bad credentials"}"""
                } else {
                    val audience = query["audience"].orEmpty()
                    requested += "${query["api-version"]} $audience"
                    200 to """{"count":1,"value":"${idToken(audience = audience)}"}"""
                }
                val bytes = body.toByteArray()
                it.sendResponseHeaders(status, bytes.size.toLong())
                it.responseBody.write(bytes)
            }
        }
        github.start()
        afterContainer { github.stop(0) }
        val url = "http://127.0.0.1:${github.address.port}/token?api-version=2.0"

        fun env(token: String = requestToken) = mapOf(
            "DATABRICKS_HOST" to warehouse.baseUrl,
            "DATABRICKS_CLIENT_ID" to SP_ID,
            "ACTIONS_ID_TOKEN_REQUEST_URL" to url,
            "ACTIONS_ID_TOKEN_REQUEST_TOKEN" to token,
        )

        test("the Actions ID token, requested for the token endpoint, is exchanged; the default chain finds it") {
            DefaultChainProvider(context = context(env())).use { chain ->
                http.selectOne(warehouse, chain.token()) shouldBe "SUCCEEDED"
                chain.name shouldBe "github-oidc"
            }
            requested.last() shouldBe "2.0 $tokenEndpoint"
        }

        test("a refused request token fails with the status and without the token") {
            val provider = CredentialsFactory.create(AuthConfig.GithubOidc(SP_ID), warehouse.baseUrl, context(env(token = "wrong-request-token-42")))
            val e = shouldThrow<CredentialsException> { provider.token() }
            e.message!! shouldContain "HTTP 401"
            e.message!! shouldNotContain "wrong-request-token-42"
            provider.toString() shouldNotContain "wrong-request-token-42"
            (provider as AutoCloseable).close()
        }

        test("outside GitHub Actions the missing variable is named") {
            val e = shouldThrow<CredentialsException> {
                CredentialsFactory.create(AuthConfig.GithubOidc(SP_ID), warehouse.baseUrl, context(emptyMap()))
            }
            e.message!! shouldContain "ACTIONS_ID_TOKEN_REQUEST_URL"
            e.shouldBeInstanceOf<CredentialsException>()
        }
    }
})
