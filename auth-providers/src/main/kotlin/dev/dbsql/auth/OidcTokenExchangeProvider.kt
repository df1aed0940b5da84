package dev.dbsql.auth

import dev.dbsql.auth.internal.OAuthHttp
import dev.dbsql.auth.internal.ProviderResources
import dev.dbsql.auth.internal.TokenCache
import dev.dbsql.auth.internal.normalizeHost
import io.ktor.client.HttpClient
import io.ktor.http.parameters
import java.time.Clock

/**
 * Workload identity federation: an ID token from [idTokenSource] (an environment variable, a file,
 * GitHub Actions, ...) is exchanged for a workspace token at the workspace's OIDC token endpoint,
 * as the Databricks SDKs do (RFC 8693: `grant_type=urn:ietf:params:oauth:grant-type:token-exchange`,
 * `subject_token_type=urn:ietf:params:oauth:token-type:jwt`, [scopes], and `client_id` when
 * [clientId] — the service principal's application id — is given; without it the exchange uses
 * account-wide federation). No client secret is involved.
 *
 * The ID token is requested for [audience], by default the discovered token endpoint URL (the
 * SDKs' default for workspaces). A new ID token is fetched for every exchange. The token endpoint
 * is checked like [OAuthM2MProvider]'s (https, on the workspace host or one of [oauthHosts]) before
 * the ID token is even fetched. Exchanged tokens are cached and refreshed as [RefreshPolicy] says,
 * on the provider's own scope; cancelling a caller cancels only its wait.
 *
 * [close] stops background work and closes the HTTP client only if this provider created it.
 */
public class OidcTokenExchangeProvider(
    host: String,
    private val idTokenSource: IdTokenSource,
    private val clientId: String? = null,
    private val audience: String? = null,
    private val scopes: List<String> = listOf("all-apis"),
    httpClient: HttpClient? = null,
    clock: Clock = Clock.systemUTC(),
    refreshPolicy: RefreshPolicy = RefreshPolicy(),
    oauthHosts: List<String> = emptyList(),
    override val name: String = "oidc-token-exchange",
) : CredentialsProvider, AutoCloseable {
    init {
        require(clientId == null || clientId.isNotBlank()) { "clientId must not be blank" }
        require(audience == null || audience.isNotBlank()) { "audience must not be blank" }
        require(scopes.isNotEmpty()) { "scopes must not be empty" }
    }

    private val normalizedHost = normalizeHost(host, "OIDC token exchange")
    private val resources = ProviderResources(name, httpClient)
    private val http = resources.http!!
    private val oauth = OAuthHttp(http, normalizedHost, clock, oauthHosts)
    private val cache = TokenCache(name, resources.scope, clock, refreshPolicy) { fetch() }

    override suspend fun token(): AccessToken = cache.get()

    override suspend fun invalidate(token: AccessToken): Unit = cache.invalidate(token)

    override fun close() {
        cache.close()
        resources.close()
    }

    override fun toString(): String =
        "OidcTokenExchangeProvider(name=$name, host=$normalizedHost, source=${idTokenSource.description}, clientId=$clientId, scopes=$scopes)"

    private suspend fun fetch() = run {
        val tokenEndpoint = oauth.endpoints().tokenEndpoint
        val subjectToken = idTokenSource.idToken(audience ?: tokenEndpoint, http)
        oauth.requestToken(
            parameters {
                append("grant_type", GRANT_TYPE)
                append("subject_token_type", JWT_TOKEN_TYPE)
                append("subject_token", subjectToken)
                append("scope", scopes.joinToString(" "))
                clientId?.let { append("client_id", it) }
            },
        )
    }

    private companion object {
        const val GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange"
        const val JWT_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:jwt"
    }
}
