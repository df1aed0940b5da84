package dev.dbsql.warehouse.oauth

import dev.dbsql.warehouse.auth.TokenCheck
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldStartWith
import io.ktor.client.request.post
import io.ktor.client.request.setBody
import io.ktor.http.ContentType
import io.ktor.http.contentType
import kotlinx.serialization.json.boolean
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonPrimitive
import kotlinx.serialization.json.long
import java.time.Duration

class OAuthTokenEndpointSpec : FunSpec({
    val server = OAuthTestServer(testSettings().copy(accessTokenLifetime = Duration.ofSeconds(2)))
    afterSpec { server.close() }
    beforeTest { server.oauth.counters.reset() }

    fun error(body: kotlinx.serialization.json.JsonObject) = body["error"]!!.jsonPrimitive.content

    test("discovery advertises this server's endpoints and the fields of protocol 8.2") {
        val response = server.get("/oidc/.well-known/oauth-authorization-server")
        response.status.value shouldBe 200
        val doc = response.json()
        val base = server.baseUrl()
        doc["token_endpoint"]!!.jsonPrimitive.content shouldBe "$base/oidc/v1/token"
        doc["authorization_endpoint"]!!.jsonPrimitive.content shouldBe "$base/oidc/v1/authorize"
        doc["issuer"]!!.jsonPrimitive.content shouldBe "$base/oidc"
        doc["code_challenge_methods_supported"]!!.jsonArray.map { it.jsonPrimitive.content } shouldBe listOf("S256")
        doc["grant_types_supported"]!!.jsonArray.size shouldBe 3
        doc["request_uri_parameter_supported"]!!.jsonPrimitive.boolean shouldBe false
        server.get("/oidc/jwks.json").status.value shouldBe 200
    }

    test("client_credentials with Basic auth issues a registered, expiring token") {
        val response = server.token(SP_ID to SP_SECRET) {
            append("grant_type", "client_credentials")
            append("scope", "all-apis")
        }
        response.status.value shouldBe 200
        response.headers["Cache-Control"] shouldBe "no-store"
        val body = response.json()
        val token = body["access_token"]!!.jsonPrimitive.content
        body["token_type"]!!.jsonPrimitive.content shouldBe "Bearer"
        body["expires_in"]!!.jsonPrimitive.long shouldBe 2
        body["refresh_token"] shouldBe null
        server.registry.check(token) shouldBe TokenCheck.Valid(SP_ID)
        server.clock.advance(Duration.ofSeconds(2))
        server.registry.check(token) shouldBe TokenCheck.Expired
        server.oauth.counters.tokenRequests("client_credentials") shouldBe 1
        server.oauth.counters.tokensIssued("client_credentials") shouldBe 1
    }

    test("client_credentials with form client authentication works too") {
        val response = server.token {
            append("grant_type", "client_credentials")
            append("client_id", SP_ID)
            append("client_secret", SP_SECRET)
        }
        response.status.value shouldBe 200
        response.json()["scope"]!!.jsonPrimitive.content shouldBe "all-apis"
    }

    test("a wrong or missing secret is 401 invalid_client") {
        val wrong = server.token(SP_ID to "nope") { append("grant_type", "client_credentials") }
        wrong.status.value shouldBe 401
        error(wrong.json()) shouldBe "invalid_client"
        wrong.headers["WWW-Authenticate"]!! shouldStartWith "Basic"
        val unknown = server.token("who" to "x") { append("grant_type", "client_credentials") }
        unknown.status.value shouldBe 401
        val none = server.token { append("grant_type", "client_credentials") }
        none.status.value shouldBe 401
        error(none.json()) shouldBe "invalid_client"
        server.oauth.counters.tokenRequests("client_credentials") shouldBe 3
        server.oauth.counters.tokensIssued("client_credentials") shouldBe 0
    }

    test("Basic and form secrets together are refused") {
        val response = server.token(SP_ID to SP_SECRET) {
            append("grant_type", "client_credentials")
            append("client_secret", SP_SECRET)
        }
        response.status.value shouldBe 400
        error(response.json()) shouldBe "invalid_request"
    }

    test("a public client cannot use client_credentials") {
        val response = server.token {
            append("grant_type", "client_credentials")
            append("client_id", CLI)
        }
        response.status.value shouldBe 400
        error(response.json()) shouldBe "unauthorized_client"
    }

    test("bad grant types, scopes and bodies get RFC 6749 errors") {
        val unsupported = server.token(SP_ID to SP_SECRET) { append("grant_type", "password") }
        unsupported.status.value shouldBe 400
        error(unsupported.json()) shouldBe "unsupported_grant_type"
        val missing = server.token(SP_ID to SP_SECRET) { append("scope", "all-apis") }
        error(missing.json()) shouldBe "invalid_request"
        val scope = server.token(SP_ID to SP_SECRET) {
            append("grant_type", "client_credentials")
            append("scope", "all-apis admin")
        }
        scope.status.value shouldBe 400
        val scopeBody = scope.json()
        error(scopeBody) shouldBe "invalid_scope"
        scopeBody["error_description"]!!.jsonPrimitive.content shouldContain "admin"
        val json = server.client.post(server.baseUrl() + "/oidc/v1/token") {
            contentType(ContentType.Application.Json)
            setBody("""{"grant_type":"client_credentials"}""")
        }
        json.status.value shouldBe 400
        error(json.json()) shouldBe "invalid_request"
        server.oauth.counters.tokenRequests("password") shouldBe 1
        server.oauth.counters.tokenRequests("") shouldBe 2
    }
})
