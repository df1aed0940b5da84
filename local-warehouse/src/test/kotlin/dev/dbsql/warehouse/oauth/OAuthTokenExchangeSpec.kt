package dev.dbsql.warehouse.oauth

import dev.dbsql.warehouse.auth.TokenCheck
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContain
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldNotContain
import io.ktor.client.statement.bodyAsText
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonPrimitive
import java.time.Duration

class OAuthTokenExchangeSpec : FunSpec({
    val federation = TokenFederation(secret = "federation-test-secret-0123456789")
    val server = OAuthTestServer(testSettings().copy(federation = federation))
    val off = OAuthTestServer(testSettings())
    afterSpec {
        server.close()
        off.close()
    }

    suspend fun audience() = server.baseUrl() + "/oidc/v1/token"

    fun idToken(audience: String, expiresIn: Duration = Duration.ofMinutes(5), issuer: String = federation.issuer, subject: String = "repo:acme/app") =
        federation.mint(subject, audience, server.clock.instant().plus(expiresIn), issuer)

    suspend fun exchange(subjectToken: String, clientId: String? = SP_ID, tokenType: String = TokenFederation.JWT_TOKEN_TYPE, on: OAuthTestServer = server) =
        on.token {
            append("grant_type", TokenFederation.GRANT_TYPE)
            append("subject_token_type", tokenType)
            append("subject_token", subjectToken)
            append("scope", "all-apis")
            clientId?.let { append("client_id", it) }
        }

    fun error(body: kotlinx.serialization.json.JsonObject) = body["error"]!!.jsonPrimitive.content

    test("a valid ID token for the token endpoint is exchanged for a token of the service principal") {
        val response = exchange(idToken(audience()))
        response.status.value shouldBe 200
        val body = response.json()
        body["refresh_token"] shouldBe null
        server.registry.check(body["access_token"]!!.jsonPrimitive.content) shouldBe TokenCheck.Valid(SP_ID)
        server.oauth.counters.tokensIssued(TokenFederation.GRANT_TYPE) shouldBe 1
    }

    test("without client_id (account-wide federation) the token's sub is the subject") {
        val body = exchange(idToken(audience(), subject = "workload-7"), clientId = null).json()
        server.registry.check(body["access_token"]!!.jsonPrimitive.content) shouldBe TokenCheck.Valid("workload-7")
    }

    test("an expired ID token, a wrong audience, another issuer or a bad signature is refused without echoing the token") {
        val forged = idToken(audience()).dropLast(4) + "AAAA"
        val cases = listOf(
            idToken(audience(), expiresIn = Duration.ofSeconds(-1)) to "expired",
            idToken("https://elsewhere.example/oidc/v1/token") to "audience",
            idToken(audience(), issuer = "https://evil.example") to "issuer",
            forged to "signature",
            "not-a-jwt" to "not a JWT",
        )
        for ((token, reason) in cases) {
            val response = exchange(token)
            val text = response.bodyAsText()
            response.status.value shouldBe 400
            error(response.json()) shouldBe "invalid_grant"
            text.contains(reason) shouldBe true
            text shouldNotContain token
        }
    }

    test("the ID token must be a JWT token type, the client must be known and no secret is accepted") {
        error(exchange(idToken(audience()), tokenType = "urn:ietf:params:oauth:token-type:access_token").json()) shouldBe "invalid_request"
        val unknown = exchange(idToken(audience()), clientId = "nobody")
        unknown.status.value shouldBe 401
        val valid = idToken(audience())
        val withSecret = server.token(SP_ID to SP_SECRET) {
            append("grant_type", TokenFederation.GRANT_TYPE)
            append("subject_token_type", TokenFederation.JWT_TOKEN_TYPE)
            append("subject_token", valid)
        }
        error(withSecret.json()) shouldBe "invalid_request"
    }

    test("the exchange is refused when federation is not configured, and discovery says which grants exist") {
        error(exchange(idToken(off.baseUrl() + "/oidc/v1/token"), on = off).json()) shouldBe "unsupported_grant_type"
        val grants = server.get("/oidc/.well-known/oauth-authorization-server").json()["grant_types_supported"]!!.jsonArray.map { it.jsonPrimitive.content }
        grants shouldContain TokenFederation.GRANT_TYPE
        val offGrants = off.get("/oidc/.well-known/oauth-authorization-server").json()["grant_types_supported"]!!.jsonArray.map { it.jsonPrimitive.content }
        offGrants.contains(TokenFederation.GRANT_TYPE) shouldBe false
    }

    test("the federation secret never shows in toString") {
        server.oauth.settings.toString() shouldNotContain "federation-test-secret"
    }
})
