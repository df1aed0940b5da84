package dev.dbsql.warehouse.http

import dev.dbsql.warehouse.WarehouseConfig
import dev.dbsql.warehouse.admin.AdminView
import dev.dbsql.warehouse.api.ApiErrors
import dev.dbsql.warehouse.api.ApiException
import dev.dbsql.warehouse.auth.TokenCheck
import dev.dbsql.warehouse.auth.TokenRegistry
import dev.dbsql.warehouse.faults.Endpoint
import dev.dbsql.warehouse.faults.FaultDecision
import dev.dbsql.warehouse.faults.FaultPlan
import dev.dbsql.warehouse.links.LinkSigner
import dev.dbsql.warehouse.results.ResultRenderer
import dev.dbsql.warehouse.statements.StatementService
import io.ktor.http.ContentType
import io.ktor.http.HttpHeaders
import io.ktor.http.HttpStatusCode
import io.ktor.server.application.ApplicationCall
import io.ktor.server.request.receive
import io.ktor.server.response.header
import io.ktor.server.response.respondText
import io.ktor.util.AttributeKey
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.delay
import org.slf4j.LoggerFactory
import java.io.ByteArrayInputStream
import java.time.Clock
import java.util.zip.GZIPInputStream

/** Everything the routes of one warehouse share. */
internal class WarehouseServices(
    val config: WarehouseConfig,
    val warehouseId: String,
    val tokens: TokenRegistry,
    val statements: StatementService,
    val renderer: ResultRenderer,
    val signer: LinkSigner,
    val faults: FaultPlan,
    val admin: AdminView,
    val clock: Clock,
)

internal val EndpointKey = AttributeKey<Endpoint>("warehouse.endpoint")
internal val StatementIdKey = AttributeKey<String>("warehouse.statement")
internal val FaultKey = AttributeKey<String>("warehouse.fault")

private val log = LoggerFactory.getLogger("dev.dbsql.warehouse.http")

/**
 * Runs one API request: counts it, checks the bearer token (when [authenticated]), applies the fault
 * plan (delay, injected status before the handler acts), then [block]; [ApiException]s become the
 * platform's JSON error body.
 */
internal suspend fun ApplicationCall.handle(
    services: WarehouseServices,
    endpoint: Endpoint?,
    authenticated: Boolean = true,
    block: suspend (FaultDecision) -> Unit,
) {
    if (endpoint != null) {
        attributes.put(EndpointKey, endpoint)
        services.admin.countRequest(endpoint)
    }
    parameters["id"]?.let { attributes.put(StatementIdKey, it) }
    try {
        if (authenticated) authenticate(services.tokens)
        val decision = if (endpoint != null) services.faults.decide(endpoint) else FaultDecision.NONE
        decision.describe?.let { attributes.put(FaultKey, it) }
        if (decision.delayMillis > 0) delay(decision.delayMillis)
        decision.status?.let {
            throw ApiErrors.injected(it.status, it.retryAfterSeconds, it.message ?: "Injected fault: HTTP ${it.status}")
        }
        block(decision)
    } catch (e: ApiException) {
        respondError(e)
    } catch (e: InjectedAbort) {
        // The engine drops the connection on this exception and sends no ResponseSent: log it here.
        requestRecord(services)?.let { services.admin.logRequest(it) }
        throw e
    } catch (e: CancellationException) {
        throw e
    } catch (e: Exception) {
        log.error("{} {} failed", request.local.method.value, request.local.uri.substringBefore('?'), e)
        respondError(ApiException(HttpStatusCode.InternalServerError, "INTERNAL_ERROR", "Internal error: ${e.message}"))
    }
}

internal suspend fun ApplicationCall.respondError(e: ApiException) {
    e.headers.forEach { (name, value) -> response.header(name, value) }
    respondText(e.body(), ContentType.Application.Json, e.status)
}

/** Checks `Authorization: Bearer <token>`; returns the token's subject or throws 401 / 403. */
private fun ApplicationCall.authenticate(tokens: TokenRegistry): String {
    val header = request.headers[HttpHeaders.Authorization] ?: throw ApiErrors.missingCredentials()
    val scheme = header.substringBefore(' ')
    val token = header.substringAfter(' ', "").trim()
    if (!scheme.equals("Bearer", ignoreCase = true) || token.isEmpty()) throw ApiErrors.missingCredentials()
    return when (val check = tokens.check(token)) {
        is TokenCheck.Valid -> check.subject
        TokenCheck.Expired -> throw ApiErrors.expiredToken()
        TokenCheck.Unknown -> throw ApiErrors.invalidToken()
    }
}

/** The request body as text; tolerates `Content-Encoding: gzip` (decoded when the bytes are gzip). */
internal suspend fun ApplicationCall.bodyText(): String {
    val bytes = receive<ByteArray>()
    val gzip = bytes.size >= 2 && bytes[0] == 0x1f.toByte() && bytes[1] == 0x8b.toByte() &&
        request.headers[HttpHeaders.ContentEncoding]?.contains("gzip", ignoreCase = true) == true
    return if (gzip) GZIPInputStream(ByteArrayInputStream(bytes)).use { it.readBytes() }.decodeToString() else bytes.decodeToString()
}
