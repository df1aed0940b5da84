package dev.dbsql.warehouse.results

import dev.dbsql.warehouse.api.ApiErrors
import dev.dbsql.warehouse.api.ResultData
import dev.dbsql.warehouse.api.ServiceError
import dev.dbsql.warehouse.api.StatementResponse
import dev.dbsql.warehouse.api.StatementStatus
import dev.dbsql.warehouse.statements.Statement
import dev.dbsql.warehouse.statements.StatementState
import dev.dbsql.warehouse.statements.withLease

/**
 * Builds the bodies of execute / get-statement / get-chunk from a statement's current state
 * (protocol §3.9). Blocking (reads stored chunks): call it on an IO dispatcher.
 *
 * Choices on points the protocol leaves open:
 * - CLOSED (after DELETE or after the retention passed) answers `{state: CLOSED}` without
 *   manifest on GET, and 404 RESOURCE_DOES_NOT_EXIST on chunk fetches and link downloads;
 * - CANCELED carries no `error`;
 * - a chunk fetch on a statement that has no result (yet) is 400 INVALID_STATE.
 */
internal class StatementResponses(private val renderer: ResultRenderer) {

    /** The full StatementResponse; [linkExpiryMillis] overrides link lifetimes (fault injection). */
    fun full(statement: Statement, linkExpiryMillis: Long?): StatementResponse {
        val snapshot = statement.snapshot()
        return when (snapshot.state) {
            StatementState.SUCCEEDED -> snapshot.holder.withLease { result ->
                StatementResponse(
                    statement.id,
                    StatementStatus(StatementState.SUCCEEDED.name),
                    renderer.manifest(statement, result),
                    renderer.first(statement, result, linkExpiryMillis),
                )
            } ?: closed(statement)
            else -> statusOnly(statement, snapshot)
        }
    }

    /** `{statement_id, status}` only (the bare `/status` endpoint). */
    fun status(statement: Statement): StatementResponse = statusOnly(statement, statement.snapshot())

    fun chunk(statement: Statement, index: Int, linkExpiryMillis: Long?): ResultData {
        val snapshot = statement.snapshot()
        return when (snapshot.state) {
            StatementState.SUCCEEDED -> snapshot.holder.withLease { renderer.chunk(statement, it, index, linkExpiryMillis) }
                ?: throw gone(statement)
            StatementState.CLOSED -> throw gone(statement)
            else -> throw ApiErrors.invalidState(
                "Statement ${statement.id} is ${snapshot.state}; result chunks exist only for SUCCEEDED statements.",
            )
        }
    }

    private fun statusOnly(statement: Statement, snapshot: Statement.Snapshot): StatementResponse {
        val failure = snapshot.failure
        val status = if (snapshot.state == StatementState.FAILED && failure != null) {
            StatementStatus(snapshot.state.name, ServiceError(failure.errorCode, failure.message), failure.sqlState)
        } else {
            StatementStatus(snapshot.state.name)
        }
        return StatementResponse(statement.id, status)
    }

    private fun closed(statement: Statement) = StatementResponse(statement.id, StatementStatus(StatementState.CLOSED.name))

    private fun gone(statement: Statement) = ApiErrors.notFound(
        "The result of statement ${statement.id} is no longer available: the statement was closed or its result expired.",
    )
}
