package dev.dbsql.auth

import dev.dbsql.auth.internal.CliTokenCacheFile
import dev.dbsql.auth.internal.DatabricksCliCommand
import dev.dbsql.auth.internal.IssuedToken
import dev.dbsql.auth.internal.OAuthHttp
import dev.dbsql.auth.internal.ProviderResources
import dev.dbsql.auth.internal.TokenCache
import dev.dbsql.auth.internal.normalizeHost
import io.ktor.client.HttpClient
import io.ktor.http.parameters
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import org.slf4j.LoggerFactory
import java.nio.file.Path
import java.time.Clock

/**
 * The login of the Databricks CLI (`databricks auth login`), reused: auth type `databricks-cli`.
 *
 * Tokens come from the CLI's token cache [cacheFile] (`~/.databricks/token-cache.json`), under the
 * [profile] name (newer CLIs) or else the workspace host key (`https://name`). A valid access token
 * is used as is; an expired one is renewed with the cached refresh token at the workspace's OIDC
 * token endpoint (client `databricks-cli`, checked like [OAuthU2MProvider]'s endpoints), and the
 * renewed tokens are written back the way the CLI writes them (same format, only the entries of the
 * redeemed refresh token replaced, atomic replace, permissions kept), so the CLI and this provider
 * keep working from one login. When the cache has nothing usable and [cli] (the Databricks CLI
 * executable, see [findCli]) is given, `databricks auth token` is run, as the Databricks SDKs do.
 * Otherwise the error says to run `databricks auth login --host <host>`.
 *
 * [profile] must be a profile of [host] (the factory checks this against the config file): its
 * cached token is sent to [host]. File reads and writes run on `Dispatchers.IO`; a CLI process is
 * owned by the call and killed on cancellation. Cancelling a caller cancels only its wait; [close]
 * stops background work and closes the HTTP client only if this provider created it.
 */
public class DatabricksCliProvider(
    host: String,
    private val profile: String? = null,
    public val cacheFile: Path = defaultCacheFile(),
    private val cli: Path? = null,
    httpClient: HttpClient? = null,
    private val clock: Clock = Clock.systemUTC(),
    refreshPolicy: RefreshPolicy = RefreshPolicy(),
    oauthHosts: List<String> = emptyList(),
) : CredentialsProvider, AutoCloseable {
    init {
        require(profile == null || profile.isNotBlank()) { "profile must not be blank" }
    }

    private val normalizedHost = normalizeHost(host, "databricks-cli")
    private val resources = ProviderResources("databricks-cli", httpClient)
    private val oauth = OAuthHttp(resources.http!!, normalizedHost, clock, oauthHosts)
    private val file = CliTokenCacheFile(cacheFile)
    private val command = cli?.let { DatabricksCliCommand(it, normalizedHost, profile, clock) }
    private val cache = TokenCache("databricks-cli", resources.scope, clock, refreshPolicy) { fetch(it) }

    override val name: String get() = "databricks-cli"

    override suspend fun token(): AccessToken = cache.get()

    override suspend fun invalidate(token: AccessToken): Unit = cache.invalidate(token)

    override fun close() {
        cache.close()
        resources.close()
    }

    override fun toString(): String = "DatabricksCliProvider(host=$normalizedHost, profile=$profile, cacheFile=$cacheFile, cli=$cli)"

    private val keys: List<String> get() = listOfNotNull(profile, normalizedHost)

    private suspend fun fetch(previous: IssuedToken?): IssuedToken {
        val cached = withContext(Dispatchers.IO) { file.lookup(keys) }
        val now = clock.instant()
        if (cached != null && cached.access.value != previous?.access?.value) {
            val expiry = cached.access.expiresAt
            if (expiry == null || now.isBefore(expiry)) return IssuedToken(cached.access, cached.refreshToken, now)
        }
        val refreshToken = cached?.refreshToken
        if (cached != null && refreshToken != null) {
            val issued = redeem(refreshToken)
            if (issued != null) {
                withContext(Dispatchers.IO) {
                    runCatching { file.update(cached.key, refreshToken, issued) }.onFailure {
                        log.warn("could not update the Databricks CLI token cache {}: {}", cacheFile, it.toString())
                    }
                }
                return issued
            }
        }
        command?.let { return it.token() }
        val exists = withContext(Dispatchers.IO) { java.nio.file.Files.exists(cacheFile) }
        val why = when {
            !exists -> "does not exist"
            cached == null -> "has no token for ${keys.joinToString(" or ")}"
            refreshToken == null -> "has an expired token and no refresh token for ${cached.key}"
            else -> "has a refresh token for ${cached.key} that the workspace refused"
        }
        throw CredentialsException(
            "the Databricks CLI token cache $cacheFile $why; sign in with `databricks auth login --host $normalizedHost`" +
                (profile?.let { " --profile $it" } ?: ""),
        )
    }

    /** Redeems [refreshToken]; null when the server refuses it. */
    private suspend fun redeem(refreshToken: String): IssuedToken? = try {
        val issued = oauth.requestToken(
            parameters {
                append("grant_type", "refresh_token")
                append("refresh_token", refreshToken)
                append("client_id", CLI_CLIENT_ID)
            },
        )
        if (issued.refreshToken == null) IssuedToken(issued.access, refreshToken, issued.issuedAt) else issued
    } catch (e: OAuthException) {
        if (e.httpStatus != 400 && e.httpStatus != 401) throw e
        log.info("the Databricks CLI's refresh token was refused ({})", e.error)
        null
    }

    public companion object {
        private val log = LoggerFactory.getLogger(DatabricksCliProvider::class.java)

        /** The OAuth client the Databricks CLI signs in as. */
        public const val CLI_CLIENT_ID: String = "databricks-cli"

        /** `~/.databricks/token-cache.json` of the current user. */
        public fun defaultCacheFile(): Path = defaultCacheFile(Path.of(System.getProperty("user.home")))

        /** `.databricks/token-cache.json` under [homeDir]. */
        public fun defaultCacheFile(homeDir: Path): Path = CliTokenCacheFile.defaultFile(homeDir)

        /**
         * The Databricks CLI executable: [configured] (a path, or a name looked up on [pathVariable]) or
         * `databricks` on [pathVariable] (the `PATH` value); null when none is found, or only the legacy
         * Python CLI (smaller than 1 MiB, as the SDKs judge it).
         */
        public fun findCli(configured: String? = null, pathVariable: String? = System.getenv("PATH")): Path? =
            DatabricksCliCommand.find(configured, pathVariable)
    }
}
