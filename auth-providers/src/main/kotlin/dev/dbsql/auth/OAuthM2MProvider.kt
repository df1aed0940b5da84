package dev.dbsql.auth

import dev.dbsql.auth.internal.OAuthHttp
import dev.dbsql.auth.internal.ProviderResources
import dev.dbsql.auth.internal.TokenCache
import dev.dbsql.auth.internal.normalizeHost
import io.ktor.client.HttpClient
import io.ktor.http.parameters
import java.time.Clock

/**
 * OAuth machine-to-machine (client credentials) for a service principal.
 *
 * The token endpoint comes from the workspace's OIDC discovery document
 * (`<host>/oidc/.well-known/oauth-authorization-server`). The client secret goes only to a
 * `token_endpoint` that is https (plain http only on a loopback host) and on the workspace host or
 * one of [oauthHosts] (`name`, `name:port` or a URL the user trusts); any other endpoint fails with
 * [CredentialsConfigurationException] before anything is sent. Tokens are requested with
 * `grant_type=client_credentials` and [scopes], the client authenticating with HTTP Basic.
 * Tokens are cached and refreshed as [RefreshPolicy] says: concurrent callers of an expired token
 * share one request, and a stale token is refreshed in the background on the provider's own scope
 * (threads of `Dispatchers.Default`). Cancelling a caller cancels only its wait.
 *
 * [close] stops background refreshes and closes the HTTP client only if this provider created it;
 * a [httpClient] passed in belongs to the caller and is never closed here.
 */
public class OAuthM2MProvider(
    host: String,
    private val clientId: String,
    clientSecret: String,
    private val scopes: List<String> = listOf("all-apis"),
    httpClient: HttpClient? = null,
    clock: Clock = Clock.systemUTC(),
    refreshPolicy: RefreshPolicy = RefreshPolicy(),
    oauthHosts: List<String> = emptyList(),
) : CredentialsProvider, AutoCloseable {
    init {
        require(clientId.isNotBlank()) { "clientId must not be blank" }
        require(clientSecret.isNotEmpty()) { "clientSecret must not be empty" }
        require(scopes.isNotEmpty()) { "scopes must not be empty" }
    }

    private val secret = clientSecret
    private val normalizedHost = normalizeHost(host, "OAuth M2M")
    private val resources = ProviderResources("oauth-m2m", httpClient)
    private val oauth = OAuthHttp(resources.http!!, normalizedHost, clock, oauthHosts)
    private val cache = TokenCache("oauth-m2m", resources.scope, clock, refreshPolicy) { fetch() }

    override val name: String get() = "oauth-m2m"

    override suspend fun token(): AccessToken = cache.get()

    override suspend fun invalidate(token: AccessToken): Unit = cache.invalidate(token)

    override fun close() {
        cache.close()
        resources.close()
    }

    override fun toString(): String = "OAuthM2MProvider(host=${oauth.host}, clientId=$clientId, scopes=$scopes, clientSecret=***)"

    private suspend fun fetch() = oauth.requestToken(
        parameters {
            append("grant_type", "client_credentials")
            append("scope", scopes.joinToString(" "))
        },
        basic = clientId to secret,
    )
}
