package dev.dbsql.warehouse.http

import dev.dbsql.warehouse.admin.RequestRecord
import dev.dbsql.warehouse.api.ApiErrors
import dev.dbsql.warehouse.oauth.OAuthServer
import dev.dbsql.warehouse.results.StatementResponses
import dev.dbsql.warehouse.staging.stagingRoutes
import io.ktor.http.ContentType
import io.ktor.http.HttpHeaders
import io.ktor.http.HttpStatusCode
import io.ktor.server.application.Application
import io.ktor.server.application.ApplicationCall
import io.ktor.server.application.createApplicationPlugin
import io.ktor.server.application.hooks.ResponseBodyReadyForSend
import io.ktor.server.application.install
import io.ktor.server.plugins.mutableOriginConnectionPoint
import io.ktor.server.plugins.origin
import io.ktor.server.response.respondText
import io.ktor.server.routing.IgnoreTrailingSlash
import io.ktor.server.routing.get
import io.ktor.server.routing.route
import io.ktor.server.routing.routing
import io.ktor.util.AttributeKey
import org.slf4j.LoggerFactory
import java.time.Instant

private val StartKey = AttributeKey<Long>("warehouse.start")
private val StartInstantKey = AttributeKey<Instant>("warehouse.startInstant")
private val LoggedKey = AttributeKey<Unit>("warehouse.logged")
private val log = LoggerFactory.getLogger("dev.dbsql.warehouse.requests")

/**
 * The whole HTTP surface of one warehouse. Unauthenticated: `/.well-known/databricks-config`
 * (404 JSON, never 401), the OAuth endpoints under `/oidc/...` and link downloads under `/files/...`
 * (presigned). `/admin/...` needs the admin token, everything under `/api/...` a bearer token.
 * Trailing slashes are ignored; absolute-form request targets (`POST http://host:port/api/...`,
 * RFC 9112 §3.2.2) are routed like their path. [acceptConnection] (TLS mode) refuses connections
 * that did not come through the TLS terminator.
 */
internal fun Application.warehouseModule(
    services: WarehouseServices,
    oauth: OAuthServer,
    acceptConnection: ((ApplicationCall) -> Boolean)? = null,
    baseUrl: () -> String,
) {
    install(absoluteFormPlugin(acceptConnection))
    install(IgnoreTrailingSlash)
    install(requestLogPlugin(services))
    val responses = StatementResponses(services.renderer)
    routing {
        get("/.well-known/databricks-config") {
            call.respondText(
                """{"error_code":"NOT_FOUND","message":"No host metadata on this server."}""",
                ContentType.Application.Json,
                HttpStatusCode.NotFound,
            )
        }
        oauth.install(this, baseUrl)
        downloadRoutes(services)
        services.staging?.let { stagingRoutes(services, it.store, it.urls) }
        adminRoutes(services)
        sessionRoutes(services)
        statementRoutes(services, responses)
        historyRoutes(services)
        route("/api/{...}") {
            handle {
                val path = call.requestPath()
                call.handle(services, null) { throw ApiErrors.endpointNotFound(path) }
            }
        }
    }
}

/** The request path without its query string (absolute-form targets already reduced to their path). */
internal fun ApplicationCall.requestPath(): String = request.origin.uri.substringBefore('?')

/**
 * Reduces an absolute-form request target (`http://host:port/path?query`) to origin form
 * (`/path?query`) before routing, as RFC 9112 §3.2.2 asks of a server; and, when [accept] is given,
 * answers 403 to connections it refuses.
 */
private fun absoluteFormPlugin(accept: ((ApplicationCall) -> Boolean)?) = createApplicationPlugin("WarehouseRequestTarget") {
    onCall { call ->
        if (accept != null && !accept(call)) {
            call.response.headers.append(HttpHeaders.Connection, "close")
            call.respondText(
                """{"error_code":"PERMISSION_DENIED","message":"This port serves only connections relayed by the TLS listener."}""",
                ContentType.Application.Json,
                HttpStatusCode.Forbidden,
            )
            return@onCall
        }
        val uri = call.request.local.uri
        val scheme = uri.substringBefore("://", "").lowercase()
        if (scheme == "http" || scheme == "https") {
            val rest = uri.substringAfter("://")
            val start = rest.indexOfAny(charArrayOf('/', '?'))
            val target = when {
                start < 0 -> "/"
                rest[start] == '?' -> "/" + rest.substring(start)
                else -> rest.substring(start)
            }
            call.mutableOriginConnectionPoint.uri = target
        }
    }
}

/**
 * The request-log entry of [this] call, or null for `/admin/...`: header names only, never values;
 * the path without its query string (links carry their signature there). [status] is the status
 * about to be sent.
 */
internal fun ApplicationCall.requestRecord(services: WarehouseServices, status: Int?): RequestRecord? {
    val path = requestPath()
    if (path.startsWith("/admin")) return null
    val headers = request.headers.names().map { it.lowercase() }.toSet()
    val started = attributes.getOrNull(StartKey) ?: System.nanoTime()
    return RequestRecord(
        time = attributes.getOrNull(StartInstantKey) ?: services.clock.instant(),
        method = request.local.method.value,
        path = path,
        status = status,
        endpoint = attributes.getOrNull(EndpointKey),
        statementId = attributes.getOrNull(StatementIdKey),
        headerNames = headers,
        authorizationPresent = HttpHeaders.Authorization.lowercase() in headers,
        fault = attributes.getOrNull(FaultKey),
        durationMillis = (System.nanoTime() - started) / 1_000_000,
    )
}

/**
 * Logs every request except `/admin/...` into the admin view (see [requestRecord]). The record is
 * written when the response is ready to go out, before its first byte is sent: a client that has
 * its answer (even a partial body cut by an injected fault) always finds the record.
 */
private fun requestLogPlugin(services: WarehouseServices) = createApplicationPlugin("WarehouseRequestLog") {
    onCall { call ->
        call.attributes.put(StartKey, System.nanoTime())
        call.attributes.put(StartInstantKey, services.clock.instant())
    }
    on(ResponseBodyReadyForSend) { call, content ->
        if (call.attributes.contains(LoggedKey)) return@on
        call.attributes.put(LoggedKey, Unit)
        val status = (content.status ?: call.response.status() ?: HttpStatusCode.OK).value
        val record = call.requestRecord(services, status) ?: return@on
        services.admin.logRequest(record)
        log.debug("{} {} -> {} ({} ms)", record.method, record.path, record.status, record.durationMillis)
    }
}
