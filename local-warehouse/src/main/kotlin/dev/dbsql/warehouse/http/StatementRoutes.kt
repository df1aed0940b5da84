package dev.dbsql.warehouse.http

import dev.dbsql.warehouse.api.ApiErrors
import dev.dbsql.warehouse.api.ApiJson
import dev.dbsql.warehouse.api.ExecuteRequests
import dev.dbsql.warehouse.api.ResultData
import dev.dbsql.warehouse.api.StatementResponse
import dev.dbsql.warehouse.faults.Endpoint
import dev.dbsql.warehouse.faults.FaultDecision
import dev.dbsql.warehouse.results.StatementResponses
import dev.dbsql.warehouse.statements.Statement
import io.ktor.http.ContentType
import io.ktor.server.application.ApplicationCall
import io.ktor.server.routing.Route
import io.ktor.server.routing.delete
import io.ktor.server.routing.get
import io.ktor.server.routing.post
import io.ktor.server.routing.route
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.future.await
import kotlinx.coroutines.withContext

/**
 * `/api/2.0/sql/statements`: execute, get (full and bare `/status`), cancel, close (DELETE) and
 * result chunks. Request bodies on GET / DELETE / cancel are ignored; `?row_offset=` on chunk
 * fetches is accepted and ignored (the index names the chunk). A statement is visible only to the
 * subject of the token that executed it: others get the same 404 as for an unknown id.
 */
internal fun Route.statementRoutes(services: WarehouseServices, responses: StatementResponses) {
    route("/api/2.0/sql/statements") {
        post {
            call.handle(services, Endpoint.EXECUTE) { decision -> execute(call, services, responses, decision) }
        }
        route("/{id}") {
            get {
                call.handle(services, Endpoint.STATUS) { decision ->
                    val statement = services.statements.get(call.statementId(), call.subject())
                    call.respondStatement(withContext(Dispatchers.IO) { responses.full(statement, decision.linkExpiryMillis) }, decision)
                }
            }
            get("/status") {
                call.handle(services, Endpoint.STATUS) { decision ->
                    call.respondStatement(responses.status(services.statements.get(call.statementId(), call.subject())), decision)
                }
            }
            post("/cancel") {
                call.handle(services, Endpoint.CANCEL) { decision ->
                    services.statements.cancel(call.statementId(), call.subject())
                    call.respondEmpty(decision)
                }
            }
            delete {
                call.handle(services, Endpoint.CLOSE) { decision ->
                    services.statements.close(call.statementId(), call.subject())
                    call.respondEmpty(decision)
                }
            }
            get("/result/chunks/{index}") {
                call.handle(services, Endpoint.CHUNK) { decision ->
                    val statement = services.statements.get(call.statementId(), call.subject())
                    val index = call.parameters["index"]?.toIntOrNull()
                        ?: throw ApiErrors.invalidParameter("Invalid chunk index '${call.parameters["index"]}'")
                    val data = withContext(Dispatchers.IO) { responses.chunk(statement, index, decision.linkExpiryMillis) }
                    call.respondBody(
                        ApiJson.encodeToString(ResultData.serializer(), data).toByteArray(),
                        ContentType.Application.Json,
                        fault = decision.body,
                    )
                }
            }
        }
    }
}

private suspend fun execute(
    call: ApplicationCall,
    services: WarehouseServices,
    responses: StatementResponses,
    decision: FaultDecision,
) {
    val spec = ExecuteRequests.parse(call.bodyText(services.bodyLimits))
    val warehouseId = spec.warehouseId
    when {
        warehouseId != null && warehouseId != services.warehouseId -> throw unknownWarehouse(warehouseId)
        warehouseId == null && spec.sessionId == null ->
            throw ApiErrors.invalidParameter("Missing required field: warehouse_id")
    }
    val statement: Statement = services.statements.execute(spec, call.subject())
    call.attributes.put(StatementIdKey, statement.id)
    services.statements.awaitFor(statement, spec.wait, spec.onWaitTimeout)
    decision.holdAnswer?.await()
    call.respondStatement(withContext(Dispatchers.IO) { responses.full(statement, decision.linkExpiryMillis) }, decision)
}

internal fun unknownWarehouse(id: String) = ApiErrors.notFound("SQL warehouse $id does not exist.")

private fun ApplicationCall.statementId(): String = parameters["id"]!!

private suspend fun ApplicationCall.respondStatement(response: StatementResponse, decision: FaultDecision) =
    respondBody(
        ApiJson.encodeToString(StatementResponse.serializer(), response).toByteArray(),
        ContentType.Application.Json,
        fault = decision.body,
    )

internal suspend fun ApplicationCall.respondEmpty(decision: FaultDecision) =
    respondBody("{}".toByteArray(), ContentType.Application.Json, fault = decision.body)
