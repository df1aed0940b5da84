package dev.dbsql.auth.internal

import dev.dbsql.auth.AccessToken
import dev.dbsql.auth.CredentialsException
import dev.dbsql.auth.OAuthException
import io.ktor.client.HttpClient
import io.ktor.client.engine.cio.CIO
import io.ktor.client.request.basicAuth
import io.ktor.client.request.forms.submitForm
import io.ktor.client.request.get
import io.ktor.client.request.header
import io.ktor.client.statement.HttpResponse
import io.ktor.client.statement.bodyAsText
import io.ktor.http.HttpHeaders
import io.ktor.http.Parameters
import io.ktor.http.isSuccess
import kotlinx.coroutines.TimeoutCancellationException
import kotlinx.coroutines.withTimeout
import kotlinx.serialization.SerialName
import kotlinx.serialization.Serializable
import kotlinx.serialization.json.Json
import java.time.Clock
import java.time.Duration

/** The endpoints a workspace advertises in its OIDC discovery document; [tokenEndpoint] is checked, [authorizationEndpoint] not yet. */
internal class OidcEndpoints(val tokenEndpoint: String, val authorizationEndpoint: String?)

@Serializable
private class DiscoveryDocument(
    @SerialName("token_endpoint") val tokenEndpoint: String? = null,
    @SerialName("authorization_endpoint") val authorizationEndpoint: String? = null,
)

@Serializable
private class TokenResponse(
    @SerialName("access_token") val accessToken: String? = null,
    @SerialName("token_type") val tokenType: String? = null,
    @SerialName("expires_in") val expiresIn: Long? = null,
    @SerialName("refresh_token") val refreshToken: String? = null,
)

@Serializable
private class ErrorResponse(
    val error: String? = null,
    @SerialName("error_description") val description: String? = null,
)

/** Creates the HTTP client a provider owns when the caller gave none. Redirects are not followed. */
internal fun ownedHttpClient(): HttpClient = HttpClient(CIO) {
    expectSuccess = false
    followRedirects = false
    engine { requestTimeout = 30_000 }
}

/**
 * OAuth calls against one workspace [host]: OIDC discovery (cached after the first success) and
 * token requests. Bodies and headers are never logged; errors name the endpoint, status and the
 * server's `error` / `error_description`.
 */
internal class OAuthHttp(
    private val http: HttpClient,
    val host: String,
    private val clock: Clock,
    trustedHosts: Collection<String> = emptyList(),
    private val timeout: Duration = Duration.ofSeconds(30),
) {
    private val policy = EndpointPolicy(host, trustedHosts)

    @Volatile
    private var endpoints: OidcEndpoints? = null

    val discoveryUrl: String get() = "$host/oidc/.well-known/oauth-authorization-server"

    suspend fun endpoints(): OidcEndpoints {
        endpoints?.let { return it }
        val response = exchange("OIDC discovery at $discoveryUrl") { http.get(discoveryUrl) }
        val text = response.bodyAsText()
        if (!response.status.isSuccess()) {
            throw CredentialsException("OIDC discovery at $discoveryUrl answered HTTP ${response.status.value}")
        }
        val doc = parse("OIDC discovery at $discoveryUrl", text) { json.decodeFromString(DiscoveryDocument.serializer(), it) }
        val tokenEndpoint = doc.tokenEndpoint?.takeIf { it.isNotBlank() }
            ?: throw CredentialsException("OIDC discovery at $discoveryUrl has no token_endpoint")
        val what = "OIDC discovery at $discoveryUrl"
        val checkedToken = policy.check("token_endpoint", tokenEndpoint, what)
        return OidcEndpoints(checkedToken, doc.authorizationEndpoint?.takeIf { it.isNotBlank() }).also { endpoints = it }
    }

    /**
     * The discovered `authorization_endpoint`, checked like the token endpoint (the browser would
     * carry the PKCE challenge and the loopback redirect there); null when the document has none.
     */
    suspend fun authorizationEndpoint(): String? =
        endpoints().authorizationEndpoint?.let { policy.check("authorization_endpoint", it, "OIDC discovery at $discoveryUrl") }

    /** POSTs [form] to the token endpoint, with HTTP Basic client authentication when [basic] is given. */
    suspend fun requestToken(form: Parameters, basic: Pair<String, String>? = null): IssuedToken {
        val endpoint = endpoints().tokenEndpoint
        val grant = form["grant_type"]
        val what = "token request ($grant) to ${redactUrl(endpoint)}"
        val sentAt = clock.instant()
        val response = exchange(what) {
            http.submitForm(endpoint, form) {
                header(HttpHeaders.Accept, "application/json")
                if (basic != null) basicAuth(basic.first, basic.second)
            }
        }
        val text = response.bodyAsText()
        if (!response.status.isSuccess()) {
            val err = runCatching { json.decodeFromString(ErrorResponse.serializer(), text) }.getOrNull()
            val detail = if (err?.error != null) {
                err.error + (err.description?.let { ": $it" } ?: "")
            } else {
                "no OAuth error in the body"
            }
            throw OAuthException("$what failed with HTTP ${response.status.value}: $detail", err?.error, response.status.value)
        }
        val body = parse(what, text) { json.decodeFromString(TokenResponse.serializer(), it) }
        val access = body.accessToken?.takeIf { it.isNotEmpty() }
            ?: throw OAuthException("$what: the response has no access_token", httpStatus = response.status.value)
        if (body.tokenType != null && !body.tokenType.equals("bearer", ignoreCase = true)) {
            throw OAuthException("$what: unsupported token_type '${body.tokenType}'", httpStatus = response.status.value)
        }
        val expiresAt = body.expiresIn?.let { sentAt.plusSeconds(it) }
        return IssuedToken(AccessToken(access, expiresAt), body.refreshToken, sentAt)
    }

    private suspend fun exchange(what: String, block: suspend () -> HttpResponse): HttpResponse = try {
        withTimeout(timeout.toMillis()) { block() }
    } catch (e: TimeoutCancellationException) {
        throw CredentialsException("$what timed out after ${timeout.toSeconds()} s", e)
    } catch (e: java.io.IOException) {
        throw CredentialsException("$what failed: ${e.message ?: e.javaClass.simpleName}", e)
    }

    private inline fun <T> parse(what: String, text: String, decode: (String) -> T): T = try {
        decode(text)
    } catch (e: IllegalArgumentException) {
        throw CredentialsException("$what answered a body that is not the expected JSON", e)
    }

    private companion object {
        val json = Json { ignoreUnknownKeys = true; isLenient = true }
    }
}
