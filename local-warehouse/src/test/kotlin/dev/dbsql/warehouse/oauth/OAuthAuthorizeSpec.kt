package dev.dbsql.warehouse.oauth

import dev.dbsql.warehouse.auth.TokenCheck
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.shouldNotBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldStartWith
import io.ktor.client.statement.HttpResponse
import io.ktor.http.Url
import io.ktor.http.formUrlEncode
import kotlinx.serialization.json.jsonPrimitive
import java.time.Duration

private const val REDIRECT = "http://localhost:8020"
private const val VERIFIER = "verifier-0123456789-0123456789-0123456789-abc"

class OAuthAuthorizeSpec : FunSpec({
    val server = OAuthTestServer()
    afterSpec { server.close() }
    beforeTest { server.oauth.counters.reset() }

    suspend fun authorize(vararg overrides: Pair<String, String?>): HttpResponse {
        val params = linkedMapOf<String, String?>(
            "response_type" to "code", "client_id" to CLI, "redirect_uri" to REDIRECT,
            "scope" to "all-apis offline_access", "state" to "st-1",
            "code_challenge" to OAuthValues.s256(VERIFIER), "code_challenge_method" to "S256",
        )
        overrides.forEach { (k, v) -> params[k] = v }
        val query = params.filterValues { it != null }.map { it.key to it.value }.formUrlEncode()
        return server.get("/oidc/v1/authorize?$query")
    }

    suspend fun codeFrom(response: HttpResponse): String {
        response.status.value shouldBe 302
        val location = Url(response.headers["Location"]!!)
        location.parameters["state"] shouldBe "st-1"
        return location.parameters["code"]!!
    }

    suspend fun exchange(code: String, verifier: String = VERIFIER, redirect: String = REDIRECT) = server.token {
        append("grant_type", "authorization_code")
        append("code", code)
        append("redirect_uri", redirect)
        append("code_verifier", verifier)
        append("client_id", CLI)
    }

    test("auto-approve redirects to the loopback redirect_uri with code and state") {
        val response = authorize()
        response.headers["Location"]!! shouldStartWith "$REDIRECT?code="
        codeFrom(response) shouldNotBe ""
        server.get("/oidc/oauth2/v2.0/authorize?client_id=$CLI").status.value shouldBe 400
        server.oauth.counters.authorizeRequests shouldBe 2
    }

    test("the code and a matching PKCE verifier give access and refresh tokens; the code is single use") {
        val code = codeFrom(authorize())
        val response = exchange(code)
        response.status.value shouldBe 200
        val body = response.json()
        val access = body["access_token"]!!.jsonPrimitive.content
        body["refresh_token"] shouldNotBe null
        server.registry.check(access) shouldBe TokenCheck.Valid("local-user@example.com")
        val again = exchange(code)
        again.status.value shouldBe 400
        again.json()["error"]!!.jsonPrimitive.content shouldBe "invalid_grant"
        server.oauth.counters.tokenRequests("authorization_code") shouldBe 2
        server.oauth.counters.tokensIssued("authorization_code") shouldBe 1
    }

    test("a wrong PKCE verifier is invalid_grant") {
        val response = exchange(codeFrom(authorize()), verifier = VERIFIER.reversed())
        response.status.value shouldBe 400
        val body = response.json()
        body["error"]!!.jsonPrimitive.content shouldBe "invalid_grant"
        body["error_description"]!!.jsonPrimitive.content shouldContain "PKCE"
        exchange(codeFrom(authorize()), verifier = "short").json()["error"]!!.jsonPrimitive.content shouldBe "invalid_request"
    }

    test("a different redirect_uri or an expired code is invalid_grant") {
        exchange(codeFrom(authorize()), redirect = "http://localhost:9999").json()["error"]!!.jsonPrimitive.content shouldBe "invalid_grant"
        val code = codeFrom(authorize())
        server.clock.advance(Duration.ofMinutes(3))
        val expired = exchange(code).json()
        expired["error_description"]!!.jsonPrimitive.content shouldContain "expired"
    }

    test("refresh tokens give new tokens and rotate") {
        val first = exchange(codeFrom(authorize())).json()
        val refresh = first["refresh_token"]!!.jsonPrimitive.content
        val refreshed = server.token {
            append("grant_type", "refresh_token")
            append("refresh_token", refresh)
            append("client_id", CLI)
        }
        refreshed.status.value shouldBe 200
        val body = refreshed.json()
        body["access_token"]!!.jsonPrimitive.content shouldNotBe first["access_token"]!!.jsonPrimitive.content
        body["refresh_token"]!!.jsonPrimitive.content shouldNotBe refresh
        val reused = server.token {
            append("grant_type", "refresh_token")
            append("refresh_token", refresh)
            append("client_id", CLI)
        }
        reused.status.value shouldBe 400
        reused.json()["error"]!!.jsonPrimitive.content shouldBe "invalid_grant"
        server.oauth.counters.tokenRequests("refresh_token") shouldBe 2
    }

    test("no refresh token without offline_access") {
        val body = exchange(codeFrom(authorize("scope" to "all-apis"))).json()
        body["refresh_token"] shouldBe null
        body["scope"]!!.jsonPrimitive.content shouldBe "all-apis"
    }

    test("client and redirect_uri errors are answered directly, others by redirect") {
        val external = authorize("redirect_uri" to "https://evil.example.com/cb")
        external.status.value shouldBe 400
        external.json()["error"]!!.jsonPrimitive.content shouldBe "invalid_request"
        authorize("client_id" to "nobody").json()["error"]!!.jsonPrimitive.content shouldBe "invalid_client"
        val noPkce = authorize("code_challenge" to null)
        noPkce.status.value shouldBe 302
        Url(noPkce.headers["Location"]!!).parameters["error"] shouldBe "invalid_request"
        Url(authorize("code_challenge_method" to "plain").headers["Location"]!!).parameters["error"] shouldBe "invalid_request"
        Url(authorize("response_type" to "token").headers["Location"]!!).parameters["error"] shouldBe "unsupported_response_type"
        val scope = Url(authorize("scope" to "root").headers["Location"]!!)
        scope.parameters["error"] shouldBe "invalid_scope"
        scope.parameters["state"] shouldBe "st-1"
    }

    test("without auto-approve the redirect carries access_denied") {
        OAuthTestServer(testSettings().copy(autoApprove = false)).use { denying ->
            val response = denying.get(
                "/oidc/v1/authorize?response_type=code&client_id=$CLI&redirect_uri=$REDIRECT&state=s&code_challenge=abc&code_challenge_method=S256",
            )
            response.status.value shouldBe 302
            Url(response.headers["Location"]!!).parameters["error"] shouldBe "access_denied"
        }
    }
})
