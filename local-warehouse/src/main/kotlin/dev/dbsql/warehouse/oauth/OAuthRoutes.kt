package dev.dbsql.warehouse.oauth

import dev.dbsql.warehouse.api.ApiException
import dev.dbsql.warehouse.auth.TokenRegistry
import dev.dbsql.warehouse.http.BodyLimits
import dev.dbsql.warehouse.http.bodyText
import io.ktor.http.ContentType
import io.ktor.http.HttpHeaders
import io.ktor.http.HttpStatusCode
import io.ktor.http.parseQueryString
import io.ktor.server.application.ApplicationCall
import io.ktor.server.request.contentType
import io.ktor.server.request.header
import io.ktor.server.response.header
import io.ktor.server.response.respondRedirect
import io.ktor.server.response.respondText
import io.ktor.server.routing.Route
import io.ktor.server.routing.get
import io.ktor.server.routing.post
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.putJsonArray
import java.time.Clock
import java.time.Duration

/**
 * OAuth settings of the local warehouse: registered clients, token lifetimes, auto-approval of the
 * authorize step. Lifetimes are sent to clients as whole seconds (`expires_in`).
 *
 * Off by default: no client is registered, so the token endpoint issues nothing, and the authorize
 * step denies every login. Turn it on with [enabled] (a service principal with a freshly generated
 * secret plus the public U2M clients) or by listing [clients] yourself; set [autoApprove] only where
 * an unattended login is wanted (tests). Secrets never appear in [toString].
 */
data class OAuthSettings(
    /** client id -> client secret (null secret: a public client such as a U2M app). Empty: OAuth off. */
    val clients: Map<String, String?> = emptyMap(),
    val accessTokenLifetime: Duration = Duration.ofHours(1),
    val refreshTokenLifetime: Duration = Duration.ofDays(1),
    /** true: the authorize endpoint approves at once and redirects with a code; false: it redirects with `access_denied`. */
    val autoApprove: Boolean = false,
    /** The subject of tokens issued to the (simulated) signed-in user. */
    val userName: String = "local-user@example.com",
    val authorizationCodeLifetime: Duration = Duration.ofMinutes(2),
    /** Workload identity federation (RFC 8693 token exchange) against a test issuer; null: the exchange is refused. */
    val federation: TokenFederation? = null,
) {
    /** The secret of the built-in service principal ([SERVICE_PRINCIPAL_ID]), when it is registered. Secret. */
    val servicePrincipalSecret: String? get() = clients[SERVICE_PRINCIPAL_ID]

    override fun toString(): String =
        "OAuthSettings(clients=${clients.keys}, accessTokenLifetime=$accessTokenLifetime, " +
            "refreshTokenLifetime=$refreshTokenLifetime, autoApprove=$autoApprove, userName=$userName, federation=$federation)"

    companion object {
        /** Client id of the built-in service principal (M2M, `client_credentials`). */
        const val SERVICE_PRINCIPAL_ID: String = "dbsql-test-sp"

        /** The public (secret-less) U2M clients the official tools use. */
        @JvmField
        val PUBLIC_CLIENT_IDS: List<String> = listOf("databricks-cli", "databricks-sql-jdbc", "databricks-sql-python")

        /**
         * The built-in clients: [SERVICE_PRINCIPAL_ID] with [secret] (by default 32 random bytes,
         * generated now) and the [PUBLIC_CLIENT_IDS].
         */
        @JvmStatic
        @JvmOverloads
        fun builtInClients(secret: String = OAuthValues.randomToken("dose")): Map<String, String?> =
            mapOf<String, String?>(SERVICE_PRINCIPAL_ID to secret) + PUBLIC_CLIENT_IDS.associateWith { null }

        /**
         * OAuth turned on with the [builtInClients] (a generated secret unless [secret] is given);
         * U2M logins are approved without a user only when [autoApprove] is true.
         */
        @JvmStatic
        @JvmOverloads
        fun enabled(autoApprove: Boolean = false, secret: String? = null): OAuthSettings =
            OAuthSettings(clients = if (secret == null) builtInClients() else builtInClients(secret), autoApprove = autoApprove)
    }
}

/**
 * The warehouse's OAuth side: OIDC discovery, token and authorize endpoints. Issued access tokens
 * go into [registry] with [OAuthSettings.accessTokenLifetime]. The HTTP layer creates one per server
 * and calls [install] on the unauthenticated part of its routing; [baseUrl] gives the server's own
 * base URL (e.g. `http://127.0.0.1:PORT`). [counters] lets tests see how often each endpoint was hit.
 *
 * Endpoints: `GET /oidc/.well-known/oauth-authorization-server`, `GET /oidc/jwks.json`,
 * `GET /oidc/v1/authorize` (also `/oidc/oauth2/v2.0/authorize`), `POST /oidc/v1/token`.
 */
class OAuthServer(
    private val registry: TokenRegistry,
    val settings: OAuthSettings,
    private val clock: Clock = Clock.systemUTC(),
) {
    val counters: OAuthCounters = OAuthCounters()

    /** How much of a token request body is read (the server sets its configured limits). */
    internal var bodyLimits: BodyLimits = BodyLimits(64 * 1024, 64 * 1024, Duration.ofSeconds(30))
    private val grants = OAuthGrants(registry, settings, clock, counters)
    private val authorizer = OAuthAuthorizer(settings, clock, grants)

    /** Mounts the OAuth endpoints (`/oidc/...`) under [route]. */
    fun install(route: Route, baseUrl: () -> String) {
        route.get("/oidc/.well-known/oauth-authorization-server") {
            call.respondJson(HttpStatusCode.OK, OAuthValues.discovery(baseUrl().trimEnd('/'), federation = settings.federation != null))
        }
        route.get("/oidc/jwks.json") {
            call.respondJson(HttpStatusCode.OK, buildJsonObject { putJsonArray("keys") {} })
        }
        route.get("/oidc/v1/authorize") { authorize(call) }
        route.get("/oidc/oauth2/v2.0/authorize") { authorize(call) }
        route.post("/oidc/v1/token") { token(call, "${baseUrl().trimEnd('/')}/oidc/v1/token") }
    }

    private suspend fun authorize(call: ApplicationCall) {
        counters.authorizeRequested()
        try {
            call.respondRedirect(authorizer.authorize(call.request.queryParameters), permanent = false)
        } catch (e: OAuthError) {
            call.respondJson(HttpStatusCode.fromValue(e.status), e.toJson())
        }
    }

    private suspend fun token(call: ApplicationCall, tokenEndpoint: String) {
        val isForm = call.request.contentType().match(ContentType.Application.FormUrlEncoded)
        val form = try {
            if (isForm) parseQueryString(call.bodyText(bodyLimits)) else null
        } catch (e: ApiException) {
            counters.tokenRequested("")
            e.headers.forEach { (name, value) -> call.response.header(name, value) }
            return call.respondJson(e.status, OAuthError(e.status.value, "invalid_request", e.message).toJson())
        }
        counters.tokenRequested(form?.get("grant_type").orEmpty())
        call.response.header(HttpHeaders.CacheControl, "no-store")
        call.response.header(HttpHeaders.Pragma, "no-cache")
        try {
            if (form == null) throw badRequest("invalid_request", "the token request must be application/x-www-form-urlencoded")
            call.respondJson(HttpStatusCode.OK, grants.token(form, call.request.header(HttpHeaders.Authorization), tokenEndpoint))
        } catch (e: OAuthError) {
            val basicUsed = call.request.header(HttpHeaders.Authorization)?.startsWith("Basic ", ignoreCase = true) == true
            if (e.status == 401 && basicUsed) call.response.header(HttpHeaders.WWWAuthenticate, "Basic realm=\"local-warehouse\"")
            call.respondJson(HttpStatusCode.fromValue(e.status), e.toJson())
        }
    }

    private suspend fun ApplicationCall.respondJson(status: HttpStatusCode, body: JsonObject) =
        respondText(body.toString(), ContentType.Application.Json, status)
}
