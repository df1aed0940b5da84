package dev.dbsql.warehouse.http

import dev.dbsql.warehouse.admin.RequestRecord
import dev.dbsql.warehouse.admin.StatementRecord
import dev.dbsql.warehouse.api.ApiErrors
import dev.dbsql.warehouse.api.ApiException
import dev.dbsql.warehouse.api.ApiJson
import dev.dbsql.warehouse.faults.FaultRuleBody
import dev.dbsql.warehouse.faults.toJson
import io.ktor.http.ContentType
import io.ktor.http.HttpHeaders
import io.ktor.http.HttpStatusCode
import io.ktor.server.application.ApplicationCall
import io.ktor.server.response.respondText
import io.ktor.server.routing.Route
import io.ktor.server.routing.delete
import io.ktor.server.routing.get
import io.ktor.server.routing.post
import io.ktor.server.routing.route
import kotlinx.serialization.SerializationException
import kotlinx.serialization.builtins.ListSerializer
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.put
import java.security.MessageDigest

/**
 * Test-facing admin endpoints (not in the request log): `GET /admin/statements` (every subject's,
 * with SQL text), `GET /admin/requests`, `GET|POST|DELETE /admin/faults`. Each needs
 * `Authorization: Bearer <admin token>` (401 without a token, 403 with another; checked before the
 * body is read). `POST /admin/faults` takes one rule object or an array of them (see [FaultRuleBody]).
 */
internal fun Route.adminRoutes(services: WarehouseServices) {
    route("/admin") {
        get("/statements") {
            call.admin(services) {
                respondJson(JsonObject(mapOf("statements" to JsonArray(services.admin.statements().map { it.toJson() }))))
            }
        }
        get("/requests") {
            call.admin(services) {
                respondJson(JsonObject(mapOf("requests" to JsonArray(services.admin.requests().map { it.toJson() }))))
            }
        }
        get("/faults") { call.admin(services) { respondJson(services.faults.rules().toJson()) } }
        delete("/faults") {
            call.admin(services) {
                services.faults.clear()
                respondJson(JsonObject(emptyMap()))
            }
        }
        post("/faults") { call.admin(services) { addFaults(services) } }
        route("{...}") {
            handle { call.admin(services) { respondError(ApiErrors.endpointNotFound(requestPath())) } }
        }
    }
}

/** Runs [block] when the call carries the admin token; answers 401 / 403 otherwise. */
private suspend fun ApplicationCall.admin(services: WarehouseServices, block: suspend ApplicationCall.() -> Unit) {
    val header = request.headers[HttpHeaders.Authorization]
    val token = header?.takeIf { it.startsWith("Bearer ", ignoreCase = true) }?.substring(7)?.trim()
    try {
        when {
            token.isNullOrEmpty() -> throw ApiErrors.missingCredentials()
            !MessageDigest.isEqual(token.toByteArray(), services.adminToken.toByteArray()) ->
                throw ApiException(HttpStatusCode.Forbidden, "PERMISSION_DENIED", "/admin needs the admin token.")
        }
        block()
    } catch (e: ApiException) {
        respondError(e)
    }
}

private suspend fun ApplicationCall.addFaults(services: WarehouseServices) {
    val text = bodyText(services.bodyLimits).trim()
    val bodies = try {
        if (text.startsWith("[")) {
            ApiJson.decodeFromString(ListSerializer(FaultRuleBody.serializer()), text)
        } else {
            listOf(ApiJson.decodeFromString(FaultRuleBody.serializer(), text))
        }
    } catch (e: SerializationException) {
        return respondError(ApiErrors.badRequest("Malformed fault rule: ${e.message?.lineSequence()?.firstOrNull()}"))
    }
    val rules = try {
        bodies.map { services.faults.inject(it.endpoint(), it.fault(), it.trigger()) }
    } catch (e: IllegalArgumentException) {
        return respondError(ApiErrors.invalidParameter("Invalid fault rule: ${e.message}"))
    }
    respondJson(rules.toJson(), HttpStatusCode.OK)
}

private suspend fun ApplicationCall.respondJson(json: JsonElement, status: HttpStatusCode = HttpStatusCode.OK) =
    respondText(json.toString(), ContentType.Application.Json, status)

private fun StatementRecord.toJson(): JsonElement = buildJsonObject {
    put("statement_id", id)
    put("statement", text)
    put("session_id", sessionId)
    put("state", state.name)
    put("disposition", disposition)
    put("format", format)
    put("query_tags", JsonArray(queryTags.map { JsonObject(mapOf("key" to JsonPrimitive(it.key), "value" to JsonPrimitive(it.value))) }))
    put("received_at", receivedAt.toString())
    put("started_at", startedAt?.toString())
    put("finished_at", finishedAt?.toString())
    put("engine_stopped_at", engineStoppedAt?.toString())
    put("cancel_arrived", cancelArrived)
    put("cancel_requested_at", cancelRequestedAt?.toString())
    put("cancel_requests", cancelRequests)
    put("close_arrived", closeArrived)
    put("closed_at", closedAt?.toString())
    put("expired", expired)
    put("error_message", errorMessage)
    put("sql_state", sqlState)
}

private fun RequestRecord.toJson(): JsonElement = buildJsonObject {
    put("time", time.toString())
    put("method", method)
    put("path", path)
    put("status", status)
    put("endpoint", endpoint?.name)
    put("statement_id", statementId)
    put("header_names", JsonArray(headerNames.sorted().map { JsonPrimitive(it) }))
    put("authorization_present", authorizationPresent)
    put("fault", fault)
    put("duration_ms", durationMillis)
}
