package dev.dbsql.warehouse.http

import dev.dbsql.warehouse.admin.RequestRecord
import dev.dbsql.warehouse.api.ApiErrors
import dev.dbsql.warehouse.oauth.OAuthServer
import dev.dbsql.warehouse.results.StatementResponses
import io.ktor.http.ContentType
import io.ktor.http.HttpHeaders
import io.ktor.http.HttpStatusCode
import io.ktor.server.application.Application
import io.ktor.server.application.ApplicationCall
import io.ktor.server.application.createApplicationPlugin
import io.ktor.server.application.hooks.ResponseSent
import io.ktor.server.application.install
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
private val log = LoggerFactory.getLogger("dev.dbsql.warehouse.requests")

/**
 * The whole HTTP surface of one warehouse. Unauthenticated: `/.well-known/databricks-config`
 * (404 JSON, never 401), the OAuth endpoints under `/oidc/...`, link downloads under `/files/...`
 * and `/admin/...`. Everything under `/api/...` needs a bearer token. Trailing slashes are ignored.
 */
internal fun Application.warehouseModule(services: WarehouseServices, oauth: OAuthServer, baseUrl: () -> String) {
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
        adminRoutes(services)
        sessionRoutes(services)
        statementRoutes(services, responses)
        route("/api/{...}") {
            handle {
                val path = call.request.local.uri.substringBefore('?')
                call.handle(services, null) { throw ApiErrors.endpointNotFound(path) }
            }
        }
    }
}

/**
 * The request-log entry of [this] call, or null for `/admin/...`: header names only, never values;
 * the path without its query string (links carry their signature there).
 */
internal fun ApplicationCall.requestRecord(services: WarehouseServices): RequestRecord? {
    val path = request.local.uri.substringBefore('?')
    if (path.startsWith("/admin")) return null
    val headers = request.headers.names().map { it.lowercase() }.toSet()
    val started = attributes.getOrNull(StartKey) ?: System.nanoTime()
    return RequestRecord(
        time = attributes.getOrNull(StartInstantKey) ?: services.clock.instant(),
        method = request.local.method.value,
        path = path,
        status = response.status()?.value,
        endpoint = attributes.getOrNull(EndpointKey),
        statementId = attributes.getOrNull(StatementIdKey),
        headerNames = headers,
        authorizationPresent = HttpHeaders.Authorization.lowercase() in headers,
        fault = attributes.getOrNull(FaultKey),
        durationMillis = (System.nanoTime() - started) / 1_000_000,
    )
}

/** Logs every request except `/admin/...` into the admin view (see [requestRecord]). */
private fun requestLogPlugin(services: WarehouseServices) = createApplicationPlugin("WarehouseRequestLog") {
    onCall { call ->
        call.attributes.put(StartKey, System.nanoTime())
        call.attributes.put(StartInstantKey, services.clock.instant())
    }
    on(ResponseSent) { call ->
        val record = call.requestRecord(services) ?: return@on
        services.admin.logRequest(record)
        log.debug("{} {} -> {} ({} ms)", record.method, record.path, record.status, record.durationMillis)
    }
}
