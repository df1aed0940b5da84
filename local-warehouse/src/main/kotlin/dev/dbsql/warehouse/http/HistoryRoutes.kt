package dev.dbsql.warehouse.http

import dev.dbsql.warehouse.api.ApiJson
import dev.dbsql.warehouse.faults.Endpoint
import dev.dbsql.warehouse.statements.HistoryFilter
import dev.dbsql.warehouse.statements.QueryHistory
import dev.dbsql.warehouse.statements.QueryHistoryPage
import io.ktor.http.ContentType
import io.ktor.server.routing.Route
import io.ktor.server.routing.get

/**
 * `GET /api/2.0/sql/history/queries` (protocol §16.2): filters as query parameters; the caller sees
 * only its own statements; [dev.dbsql.warehouse.WarehouseConfig.historyLag] delays their appearance.
 */
internal fun Route.historyRoutes(services: WarehouseServices) {
    get("/api/2.0/sql/history/queries") {
        call.handle(services, Endpoint.HISTORY) { decision ->
            val params = call.request.queryParameters
            val filter = HistoryFilter.parse { name -> params.getAll(name).orEmpty() }
            val page = QueryHistory.page(
                services.statements.allStatements(), call.subject(), services.warehouseId, filter,
                services.clock.instant(), services.config.historyLag,
            )
            call.respondBody(ApiJson.encodeToString(QueryHistoryPage.serializer(), page).toByteArray(), ContentType.Application.Json, fault = decision.body)
        }
    }
}
