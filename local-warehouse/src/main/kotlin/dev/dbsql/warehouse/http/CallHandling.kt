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
import dev.dbsql.warehouse.staging.Staging
import dev.dbsql.warehouse.statements.StatementService
import io.ktor.http.ContentType
import io.ktor.http.HttpHeaders
import io.ktor.http.HttpStatusCode
import io.ktor.server.application.ApplicationCall
import io.ktor.server.response.header
import io.ktor.server.response.respondText
import io.ktor.util.AttributeKey
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.delay
import org.slf4j.LoggerFactory
import java.time.Clock

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
    /** The bearer token `/admin/...` requires. Secret. */
    val adminToken: String,
    /** Volume files behind staging operations; null serves none. */
    val staging: Staging? = null,
) {
    val bodyLimits: BodyLimits = BodyLimits.of(config)
}

internal val EndpointKey = AttributeKey<Endpoint>("warehouse.endpoint")
internal val StatementIdKey = AttributeKey<String>("warehouse.statement")
internal val FaultKey = AttributeKey<String>("warehouse.fault")
private val SubjectKey = AttributeKey<String>("warehouse.subject")

/** The subject of the bearer token this call was authenticated with (set by [handle]). */
internal fun ApplicationCall.subject(): String =
    attributes.getOrNull(SubjectKey) ?: error("call was not authenticated")

private val log = LoggerFactory.getLogger("dev.dbsql.warehouse.http")

/**
 * Runs one API request: counts it, checks the bearer token (when [authenticated]; its subject is then
 * [subject]), applies the fault plan (delay, injected status before the handler acts), then [block];
 * [ApiException]s become the platform's JSON error body. The token is checked before anything reads
 * the request body.
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
        if (authenticated) attributes.put(SubjectKey, authenticate(services.tokens))
        val decision = if (endpoint != null) services.faults.decide(endpoint) else FaultDecision.NONE
        decision.describe?.let { attributes.put(FaultKey, it) }
        if (decision.delayMillis > 0) delay(decision.delayMillis)
        decision.status?.let {
            throw ApiErrors.injected(it.status, it.retryAfterSeconds, it.message ?: "Injected fault: HTTP ${it.status}")
        }
        block(decision)
    } catch (e: ApiException) {
        respondError(e)
    } catch (e: CancellationException) {
        throw e
    } catch (e: Exception) {
        log.error("{} {} failed", request.local.method.value, requestPath(), e)
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

