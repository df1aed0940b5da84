package dev.dbsql.warehouse.oauth

import dev.dbsql.warehouse.auth.TokenRegistry
import io.ktor.server.routing.Route
import java.time.Clock
import java.time.Duration

/**
 * OAuth settings of the local warehouse: registered clients, token lifetimes, auto-approval of the
 * authorize step.
 */
data class OAuthSettings(
    /** client id -> client secret (null secret: a public client such as a U2M app). */
    val clients: Map<String, String?> = mapOf("dbsql-test-sp" to "dbsql-test-secret", "databricks-cli" to null),
    val accessTokenLifetime: Duration = Duration.ofHours(1),
    val refreshTokenLifetime: Duration = Duration.ofDays(1),
    val autoApprove: Boolean = true,
)

/**
 * The warehouse's OAuth side: OIDC discovery, token and authorize endpoints. Issued access tokens
 * go into [registry]. The HTTP layer creates one per server and calls [install] on the
 * unauthenticated part of its routing; [baseUrl] gives the server's own base URL.
 */
class OAuthServer(
    private val registry: TokenRegistry,
    val settings: OAuthSettings,
    private val clock: Clock = Clock.systemUTC(),
) {
    /** Mounts the OAuth endpoints (`/oidc/...`) under [route]. */
    @Suppress("UNUSED_PARAMETER")
    fun install(route: Route, baseUrl: () -> String) {
        // Endpoints arrive with the auth-providers work; until then discovery answers 404 by absence.
    }
}
