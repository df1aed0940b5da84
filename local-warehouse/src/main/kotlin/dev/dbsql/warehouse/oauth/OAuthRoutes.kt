package dev.dbsql.warehouse.oauth

import dev.dbsql.warehouse.auth.TokenRegistry
import io.ktor.server.routing.Route
import java.time.Clock
import java.time.Duration

/**
 * OAuth settings of the local warehouse: registered clients, token lifetimes, auto-approval of the
 * authorize step. (The OAuth endpoints themselves arrive with the auth providers.)
 */
data class OAuthSettings(
    /** client id -> client secret (null secret: a public client such as a U2M app). */
    val clients: Map<String, String?> = mapOf("dbsql-test-sp" to "dbsql-test-secret", "databricks-cli" to null),
    val accessTokenLifetime: Duration = Duration.ofHours(1),
    val refreshTokenLifetime: Duration = Duration.ofDays(1),
    val autoApprove: Boolean = true,
)

/**
 * Mounts OIDC discovery, token and authorize endpoints under [route]. Issued access tokens go
 * into [registry]. [baseUrl] gives the server's own base URL (known only once it listens).
 */
@Suppress("UNUSED_PARAMETER")
fun installOAuthRoutes(route: Route, registry: TokenRegistry, settings: OAuthSettings, clock: Clock, baseUrl: () -> String) {
    // Endpoints arrive with the auth-providers work; until then discovery answers 404 by absence.
}
