package dev.dbsql.auth

import io.ktor.client.HttpClient
import java.nio.file.Path
import java.time.Clock

/**
 * What building credentials may read or use from the outside world, injectable so tests do not
 * depend on the real environment.
 *
 * @property env environment variables (`DATABRICKS_*`, and those named by [SecretRef.Env]).
 * @property homeDir the user's home directory (for `~/.databrickscfg` and `~/.dbsql/token-cache`).
 * @property httpClient an HTTP client for OAuth requests. When given, it is owned by the caller and
 *   never closed by providers; when null, each OAuth provider creates and closes its own.
 * @property browser how the user-to-machine login opens the authorization URL.
 * @property clock the time source for token expiry.
 * @property refreshPolicy when cached OAuth tokens are refreshed.
 */
public class CredentialsContext(
    public val env: Map<String, String> = System.getenv(),
    public val homeDir: Path = Path.of(System.getProperty("user.home")),
    public val httpClient: HttpClient? = null,
    public val browser: BrowserLauncher = BrowserLauncher.system(),
    public val clock: Clock = Clock.systemUTC(),
    public val refreshPolicy: RefreshPolicy = RefreshPolicy(),
) {
    /** Environment values are not printed: they may hold secrets. */
    override fun toString(): String = "CredentialsContext(homeDir=$homeDir, env=${env.size} variables)"
}
