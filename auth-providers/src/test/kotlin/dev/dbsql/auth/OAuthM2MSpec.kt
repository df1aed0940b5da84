package dev.dbsql.auth

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.ints.shouldBeGreaterThanOrEqual
import io.kotest.matchers.shouldBe
import io.kotest.matchers.shouldNotBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import io.ktor.client.request.get
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.delay
import java.net.ServerSocket
import java.time.Duration

class OAuthM2MSpec : FunSpec({
    val warehouse = startWarehouse(lifetime = Duration.ofSeconds(2))
    val http = testHttpClient()
    val counters = warehouse.oauth.counters
    afterSpec {
        http.close()
        warehouse.close()
    }
    beforeTest { counters.reset() }

    fun provider(secret: String = SP_SECRET, scopes: List<String> = listOf("all-apis")) =
        OAuthM2MProvider(warehouse.baseUrl, SP_ID, secret, scopes)

    test("client credentials from the discovered token endpoint authenticate a statement") {
        provider().use { p ->
            val token = p.token()
            http.selectOne(warehouse, token) shouldBe "SUCCEEDED"
            token.expiresAt shouldNotBe null
            p.token() shouldBe token
            counters.tokenRequests("client_credentials") shouldBe 1
        }
    }

    test("100 concurrent callers of an expired token cause exactly one token request") {
        provider().use { p ->
            val first = p.token()
            delay(2_100)
            http.selectOne(warehouse, first) shouldBe "HTTP 401"
            counters.reset()
            val tokens = coroutineScope { (1..100).map { async(Dispatchers.Default) { p.token() } }.awaitAll() }
            tokens.toSet().size shouldBe 1
            tokens[0] shouldNotBe first
            counters.tokenRequests("client_credentials") shouldBe 1
            http.selectOne(warehouse, tokens[0]) shouldBe "SUCCEEDED"
        }
    }

    test("a run of calls lasting well past the 2-second lifetime keeps working") {
        provider().use { p ->
            val states = mutableListOf<String>()
            val started = System.nanoTime()
            while (System.nanoTime() - started < 5_000_000_000L) {
                // As a client does: a token refused (it expired in flight on a loaded machine) is
                // invalidated and the call retried once with the next one.
                val token = p.token()
                var state = http.selectOne(warehouse, token)
                if (state == "HTTP 401") {
                    p.invalidate(token)
                    state = http.selectOne(warehouse, p.token())
                }
                states += state
                delay(50)
            }
            states.toSet() shouldBe setOf("SUCCEEDED")
            counters.tokenRequests("client_credentials") shouldBeGreaterThanOrEqual 3
        }
    }

    test("invalidate makes the next call fetch a new token") {
        provider().use { p ->
            val first = p.token()
            p.invalidate(first)
            val second = p.token()
            second shouldNotBe first
            counters.tokenRequests("client_credentials") shouldBe 2
        }
    }

    test("a wrong secret fails with the server's OAuth error and without the secret") {
        provider(secret = "wrong-secret-value").use { p ->
            val e = shouldThrow<OAuthException> { p.token() }
            e.error shouldBe "invalid_client"
            e.httpStatus shouldBe 401
            e.message!! shouldContain "token request (client_credentials)"
            e.message!! shouldNotContain "wrong-secret-value"
        }
    }

    test("scopes are sent as configured") {
        provider(scopes = listOf("sql")).use { p -> http.selectOne(warehouse, p.token()) shouldBe "SUCCEEDED" }
        provider(scopes = listOf("all-apis", "nonsense")).use { p ->
            shouldThrow<OAuthException> { p.token() }.error shouldBe "invalid_scope"
        }
    }

    test("an unreachable workspace fails with a clear discovery error") {
        val port = ServerSocket(0).use { it.localPort }
        OAuthM2MProvider("http://127.0.0.1:$port", SP_ID, SP_SECRET).use { p ->
            val e = shouldThrow<CredentialsException> { p.token() }
            e.message!! shouldContain "OIDC discovery at http://127.0.0.1:$port/oidc/.well-known/oauth-authorization-server failed"
        }
    }

    test("a caller's HTTP client is used and never closed; close refuses further calls") {
        val callerClient = testHttpClient()
        val p = OAuthM2MProvider(warehouse.baseUrl, SP_ID, SP_SECRET, httpClient = callerClient)
        http.selectOne(warehouse, p.token()) shouldBe "SUCCEEDED"
        p.close()
        shouldThrow<IllegalStateException> { p.token() }
        callerClient.get("${warehouse.baseUrl}/oidc/.well-known/oauth-authorization-server").status.value shouldBe 200
        callerClient.close()
        p.toString() shouldNotContain SP_SECRET
    }
})
