package dev.dbsql.warehouse.http

import dev.dbsql.warehouse.api.ApiErrors
import dev.dbsql.warehouse.api.ApiJson
import dev.dbsql.warehouse.api.CreateSessionBody
import dev.dbsql.warehouse.api.DeleteSessionBody
import dev.dbsql.warehouse.api.SessionCreated
import dev.dbsql.warehouse.engine.SqlFailure
import dev.dbsql.warehouse.faults.Endpoint
import dev.dbsql.warehouse.faults.FaultDecision
import io.ktor.http.ContentType
import io.ktor.server.application.ApplicationCall
import io.ktor.server.routing.Route
import io.ktor.server.routing.delete
import io.ktor.server.routing.post
import kotlinx.serialization.SerializationException
import kotlinx.serialization.json.JsonNull
import kotlinx.serialization.json.JsonPrimitive

/**
 * Sessions: `POST /api/2.0/sql/sessions` (python, ADBC; warehouse_id in the body),
 * `POST /api/2.0/sql/warehouses/{wid}/sessions` (JDBC 3.4.5; no warehouse_id in the body,
 * `execution_mode` ignored), the legacy `/api/2.0/sql/statements/sessions`, and their DELETE forms
 * with the warehouse id in the query, the body, or absent. A session belongs to the subject of the
 * token that created it: others get 404 when they use or delete it.
 */
internal fun Route.sessionRoutes(services: WarehouseServices) {
    for (base in listOf("/api/2.0/sql/sessions", "/api/2.0/sql/statements/sessions")) {
        post(base) {
            call.handle(services, Endpoint.SESSION) { decision -> createSession(call, services, null, decision) }
        }
        delete("$base/{sessionId}") {
            call.handle(services, Endpoint.SESSION) { decision -> deleteSession(call, services, decision) }
        }
    }
    post("/api/2.0/sql/warehouses/{warehouseId}/sessions") {
        call.handle(services, Endpoint.SESSION) { decision ->
            createSession(call, services, call.parameters["warehouseId"], decision)
        }
    }
    delete("/api/2.0/sql/warehouses/{warehouseId}/sessions/{sessionId}") {
        call.handle(services, Endpoint.SESSION) { decision -> deleteSession(call, services, decision) }
    }
}

private suspend fun createSession(call: ApplicationCall, services: WarehouseServices, pathWarehouse: String?, decision: FaultDecision) {
    val text = call.bodyText(services.bodyLimits)
    val body = if (text.isBlank()) CreateSessionBody() else parse(text, CreateSessionBody.serializer())
    val warehouseId = pathWarehouse ?: body.warehouseId
        ?: throw ApiErrors.invalidParameter("Missing required field: warehouse_id")
    if (warehouseId != services.warehouseId) throw unknownWarehouse(warehouseId)
    val confs = body.sessionConfs.orEmpty()
        .mapNotNull { (k, v) -> (v as? JsonPrimitive)?.takeIf { it !is JsonNull }?.let { k.lowercase() to it.content } }
        .toMap()
    val session = try {
        services.statements.createSession(call.subject(), warehouseId, body.catalog, body.schema, confs)
    } catch (e: SqlFailure) {
        throw ApiErrors.invalidParameter("Cannot open the session: ${e.message}")
    }
    call.respondBody(
        ApiJson.encodeToString(SessionCreated.serializer(), SessionCreated(session.id)).toByteArray(),
        ContentType.Application.Json,
        fault = decision.body,
    )
}

private suspend fun deleteSession(call: ApplicationCall, services: WarehouseServices, decision: FaultDecision) {
    val text = call.bodyText(services.bodyLimits)
    val fromBody = if (text.isBlank()) null else runCatching { ApiJson.decodeFromString(DeleteSessionBody.serializer(), text) }.getOrNull()
    val warehouseId = call.parameters["warehouseId"] ?: call.request.queryParameters["warehouse_id"] ?: fromBody?.warehouseId
    if (warehouseId != null && warehouseId != services.warehouseId) throw unknownWarehouse(warehouseId)
    services.statements.deleteSession(call.parameters["sessionId"]!!, call.subject())
    call.respondEmpty(decision)
}

private fun <T> parse(text: String, serializer: kotlinx.serialization.KSerializer<T>): T = try {
    ApiJson.decodeFromString(serializer, text)
} catch (e: SerializationException) {
    throw ApiErrors.badRequest("Malformed request body: ${e.message?.lineSequence()?.firstOrNull()}")
} catch (e: IllegalArgumentException) {
    throw ApiErrors.badRequest("Malformed request body: ${e.message?.lineSequence()?.firstOrNull()}")
}
