package dev.dbsql.auth

import dev.dbsql.auth.internal.IssuedToken
import dev.dbsql.auth.internal.LoopbackListener
import dev.dbsql.auth.internal.OAuthHttp
import dev.dbsql.auth.internal.Pkce
import dev.dbsql.auth.internal.ProviderResources
import dev.dbsql.auth.internal.TokenCache
import dev.dbsql.auth.internal.TokenFileCache
import dev.dbsql.auth.internal.normalizeHost
import io.ktor.client.HttpClient
import io.ktor.http.URLBuilder
import io.ktor.http.parameters
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.TimeoutCancellationException
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import org.slf4j.LoggerFactory
import java.nio.file.Path
import java.time.Clock
import java.time.Duration

/**
 * OAuth user-to-machine: the user signs in through a browser (authorization code + PKCE S256).
 *
 * On the first [token] call the provider looks in its disk cache ([cacheDir], one file per host,
 * client and scopes, readable by the user only); a valid cached access token is used as is, a
 * cached refresh token is redeemed; otherwise it listens on `localhost:[redirectPort]`, has
 * [browser] open the authorization URL, checks the `state` of the redirect, and exchanges the code
 * with the PKCE verifier. Later tokens come from the refresh token (rotated tokens are saved); when
 * the refresh token is refused, the browser login runs again. Concurrent callers share one login or
 * refresh; a stale token is refreshed in the background on the provider's own scope.
 *
 * The `authorization_endpoint` and `token_endpoint` of the discovery document are used only when
 * they are https (plain http only on a loopback host) and on the workspace host or one of
 * [oauthHosts]; otherwise [CredentialsConfigurationException], and the browser is not opened.
 *
 * Cancelling a caller cancels only its wait; [close] stops a login in progress and background work,
 * and closes the HTTP client only if this provider created it (a [httpClient] passed in is never
 * closed here). [cacheDir] null keeps tokens in memory only.
 */
public class OAuthU2MProvider(
    host: String,
    private val clientId: String = "databricks-cli",
    private val scopes: List<String> = listOf("all-apis", "offline_access"),
    private val redirectPort: Int = 8020,
    cacheDir: Path? = defaultCacheDir(),
    private val browser: BrowserLauncher = BrowserLauncher.system(),
    httpClient: HttpClient? = null,
    private val clock: Clock = Clock.systemUTC(),
    refreshPolicy: RefreshPolicy = RefreshPolicy(),
    private val loginTimeout: Duration = Duration.ofMinutes(5),
    oauthHosts: List<String> = emptyList(),
) : CredentialsProvider, AutoCloseable {
    init {
        require(clientId.isNotBlank()) { "clientId must not be blank" }
        require(scopes.isNotEmpty()) { "scopes must not be empty" }
        require(redirectPort in 0..65535) { "redirectPort must be in 0..65535" }
    }

    private val normalizedHost = normalizeHost(host, "OAuth U2M")
    private val resources = ProviderResources("oauth-u2m", httpClient)
    private val oauth = OAuthHttp(resources.http!!, normalizedHost, clock, oauthHosts)
    private val fileCache = cacheDir?.let { TokenFileCache(it, normalizedHost, clientId, scopes) }
    private val cache = TokenCache("oauth-u2m", resources.scope, clock, refreshPolicy) { fetch(it) }

    override val name: String get() = "oauth-u2m"

    /** The file holding this provider's cached tokens, or null when tokens stay in memory. */
    public val cacheFile: Path? get() = fileCache?.file

    override suspend fun token(): AccessToken = cache.get()

    override suspend fun invalidate(token: AccessToken): Unit = cache.invalidate(token)

    override fun close() {
        cache.close()
        resources.close()
    }

    override fun toString(): String = "OAuthU2MProvider(host=$normalizedHost, clientId=$clientId, scopes=$scopes)"

    /**
     * A valid token saved by another provider or process wins; otherwise the refresh tokens we know
     * (in memory, then on disk) are tried in turn; otherwise the browser login runs.
     */
    private suspend fun fetch(previous: IssuedToken?): IssuedToken {
        val onDisk = fileCache?.let { withContext(Dispatchers.IO) { it.load() } }
        val diskExpiry = onDisk?.access?.expiresAt
        if (onDisk != null && onDisk.access.value != previous?.access?.value &&
            (diskExpiry == null || clock.instant().isBefore(diskExpiry))
        ) {
            return onDisk
        }
        val issued = listOfNotNull(previous?.refreshToken, onDisk?.refreshToken).distinct().firstNotNullOfOrNull { redeem(it) }
            ?: login()
        fileCache?.let { cache ->
            withContext(Dispatchers.IO) {
                runCatching { cache.save(issued) }.onFailure {
                    log.warn("could not save the token cache file {}: {}", cache.file, it.toString())
                }
            }
        }
        return issued
    }

    /** Redeems [refreshToken]; null when the server refuses it (expired, revoked, rotated away). */
    private suspend fun redeem(refreshToken: String): IssuedToken? = try {
        val issued = oauth.requestToken(
            parameters {
                append("grant_type", "refresh_token")
                append("refresh_token", refreshToken)
                append("client_id", clientId)
            },
        )
        if (issued.refreshToken == null) IssuedToken(issued.access, refreshToken, issued.issuedAt) else issued
    } catch (e: OAuthException) {
        if (e.httpStatus != 400 && e.httpStatus != 401) throw e
        log.info("a refresh token was refused ({})", e.error)
        null
    }

    private suspend fun login(): IssuedToken {
        val authorize = oauth.authorizationEndpoint()
            ?: throw CredentialsException("OIDC discovery at ${oauth.discoveryUrl} has no authorization_endpoint")
        val pkce = Pkce.create()
        val listener = withContext(Dispatchers.IO) { LoopbackListener.start(redirectPort, pkce.state) }
        try {
            val url = URLBuilder(authorize).apply {
                parameters.append("response_type", "code")
                parameters.append("client_id", clientId)
                parameters.append("redirect_uri", listener.redirectUri)
                parameters.append("scope", scopes.joinToString(" "))
                parameters.append("state", pkce.state)
                parameters.append("code_challenge", pkce.challenge)
                parameters.append("code_challenge_method", "S256")
            }.buildString()
            try {
                withContext(Dispatchers.IO) { browser.open(url) }
            } catch (e: Exception) {
                if (e is kotlin.coroutines.cancellation.CancellationException) throw e
                throw CredentialsException("could not open the browser for the sign-in: ${e.message ?: e.javaClass.simpleName}", e)
            }
            val code = try {
                withTimeout(loginTimeout.toMillis()) { listener.result.await() }
            } catch (e: TimeoutCancellationException) {
                throw CredentialsException("no browser sign-in arrived at ${listener.redirectUri} within ${loginTimeout.toSeconds()} s", e)
            }
            return oauth.requestToken(
                parameters {
                    append("grant_type", "authorization_code")
                    append("code", code)
                    append("redirect_uri", listener.redirectUri)
                    append("code_verifier", pkce.verifier)
                    append("client_id", clientId)
                },
            )
        } finally {
            withContext(Dispatchers.IO + kotlinx.coroutines.NonCancellable) { listener.close() }
        }
    }

    public companion object {
        private val log = LoggerFactory.getLogger(OAuthU2MProvider::class.java)

        /** `~/.dbsql/token-cache` of the current user. */
        public fun defaultCacheDir(): Path = defaultCacheDir(Path.of(System.getProperty("user.home")))

        /** `.dbsql/token-cache` under [homeDir]. */
        public fun defaultCacheDir(homeDir: Path): Path = homeDir.resolve(".dbsql").resolve("token-cache")
    }
}
