package dev.dbsql.warehouse.statements

import dev.dbsql.warehouse.api.ApiErrors
import kotlinx.serialization.SerialName
import kotlinx.serialization.Serializable
import java.time.Duration
import java.time.Instant

/** One entry of `GET /api/2.0/sql/history/queries`: the fields of the official SDK's `QueryInfo` this warehouse knows. */
@Serializable
internal data class QueryInfo(
    @SerialName("query_id") val queryId: String,
    @SerialName("query_text") val queryText: String,
    val status: String,
    @SerialName("query_start_time_ms") val queryStartTimeMs: Long,
    @SerialName("execution_end_time_ms") val executionEndTimeMs: Long? = null,
    @SerialName("query_end_time_ms") val queryEndTimeMs: Long? = null,
    @SerialName("user_id") val userId: Long,
    @SerialName("user_name") val userName: String,
    @SerialName("warehouse_id") val warehouseId: String,
    @SerialName("endpoint_id") val endpointId: String,
    @SerialName("rows_produced") val rowsProduced: Long? = null,
    val duration: Long? = null,
    @SerialName("error_message") val errorMessage: String? = null,
    @SerialName("statement_type") val statementType: String,
    @SerialName("is_final") val isFinal: Boolean,
    @SerialName("client_application") val clientApplication: String = "dbsql-local-warehouse",
)

@Serializable
internal data class QueryHistoryPage(
    val res: List<QueryInfo>,
    @SerialName("next_page_token") val nextPageToken: String? = null,
    @SerialName("has_next_page") val hasNextPage: Boolean = false,
)

/** The filters of a history request (protocol §16.2). */
internal data class HistoryFilter(
    val warehouseIds: Set<String> = emptySet(),
    val userIds: Set<Long> = emptySet(),
    val statuses: Set<String> = emptySet(),
    val statementIds: Set<String> = emptySet(),
    val startTimeMs: Long? = null,
    val endTimeMs: Long? = null,
    val maxResults: Int = 100,
    val pageToken: String? = null,
) {
    companion object {
        private val STATUSES = setOf("QUEUED", "RUNNING", "CANCELED", "FAILED", "FINISHED")
        private const val MAX_IDS = 1_000

        /** From query parameters (`filter_by.warehouse_ids=…`, repeated or comma-separated). */
        fun parse(get: (String) -> List<String>): HistoryFilter {
            fun many(name: String): Set<String> {
                val values = get(name).flatMap { it.split(',') }.map { it.trim() }.filter { it.isNotEmpty() }.toSet()
                if (values.size > MAX_IDS) throw ApiErrors.invalidParameter("$name: at most $MAX_IDS values")
                return values
            }
            fun long(name: String): Long? = get(name).lastOrNull()?.let {
                it.toLongOrNull() ?: throw ApiErrors.invalidParameter("$name must be a number, was '${it.take(40)}'")
            }
            val statuses = many("filter_by.statuses").map { it.uppercase() }.toSet()
            statuses.firstOrNull { it !in STATUSES }?.let { throw ApiErrors.invalidParameter("unknown status '${it.take(40)}'") }
            val max = long("max_results") ?: 100
            if (max !in 1..1000) throw ApiErrors.invalidParameter("max_results must be in 1..1000, was $max")
            return HistoryFilter(
                warehouseIds = many("filter_by.warehouse_ids"),
                userIds = many("filter_by.user_ids").map { it.toLongOrNull() ?: throw ApiErrors.invalidParameter("user ids are numbers") }.toSet(),
                statuses = statuses,
                statementIds = many("filter_by.statement_ids"),
                startTimeMs = long("filter_by.query_start_time_range.start_time_ms"),
                endTimeMs = long("filter_by.query_start_time_range.end_time_ms"),
                maxResults = max.toInt(),
                pageToken = get("page_token").lastOrNull(),
            )
        }
    }
}

/**
 * Query History over the statements the warehouse still knows, visible only to their owner.
 * A statement shows up [lag] after it was received (real history lags a running statement).
 * Most recently started first; pages of [HistoryFilter.maxResults], the token is the offset.
 */
internal object QueryHistory {
    fun page(all: Collection<Statement>, owner: String, warehouseId: String, filter: HistoryFilter, now: Instant, lag: Duration): QueryHistoryPage {
        if (filter.warehouseIds.isNotEmpty() && warehouseId !in filter.warehouseIds) return QueryHistoryPage(emptyList())
        val offset = filter.pageToken?.let { token ->
            token.removePrefix("o").toIntOrNull()?.takeIf { token.startsWith("o") && it >= 0 } ?: throw ApiErrors.invalidParameter("invalid page_token")
        } ?: 0
        val matching = all.asSequence()
            .filter { it.owner == owner && !now.isBefore(it.receivedAt.plus(lag)) }
            .map { info(it, warehouseId) }
            .filter { filter.userIds.isEmpty() || it.userId in filter.userIds }
            .filter { filter.statuses.isEmpty() || it.status in filter.statuses }
            .filter { filter.statementIds.isEmpty() || it.queryId in filter.statementIds }
            .filter { filter.startTimeMs == null || it.queryStartTimeMs >= filter.startTimeMs }
            .filter { filter.endTimeMs == null || it.queryStartTimeMs <= filter.endTimeMs }
            .sortedWith(compareByDescending<QueryInfo> { it.queryStartTimeMs }.thenBy { it.queryId })
            .toList()
        val page = matching.drop(offset).take(filter.maxResults)
        val more = offset + page.size < matching.size
        return QueryHistoryPage(page, if (more) "o${offset + page.size}" else null, more)
    }

    /** A stable numeric id for a token subject (the API's user ids are numbers). */
    fun userId(subject: String): Long = subject.hashCode().toLong() and 0x7fffffffL

    private fun info(s: Statement, warehouseId: String): QueryInfo {
        val start = s.receivedAt.toEpochMilli()
        val end = s.finishedAt?.toEpochMilli()
        val status = when (s.state) {
            StatementState.PENDING -> "QUEUED"
            StatementState.RUNNING -> "RUNNING"
            StatementState.SUCCEEDED -> "FINISHED"
            StatementState.FAILED -> "FAILED"
            StatementState.CANCELED -> "CANCELED"
            StatementState.CLOSED -> when {
                s.failure != null -> "FAILED"
                s.cancelRequestedAt != null && s.engineStoppedAt == null -> "CANCELED"
                else -> "FINISHED"
            }
        }
        return QueryInfo(
            queryId = s.id,
            queryText = s.spec.statement,
            status = status,
            queryStartTimeMs = start,
            executionEndTimeMs = s.engineStoppedAt?.toEpochMilli(),
            queryEndTimeMs = end,
            userId = userId(s.owner),
            userName = s.owner,
            warehouseId = warehouseId,
            endpointId = warehouseId,
            duration = end?.let { it - start },
            errorMessage = s.failure?.message,
            statementType = statementType(s.spec.statement),
            isFinal = s.state.terminal,
        )
    }

    private val TYPES = setOf("SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "CREATE", "DROP", "ALTER", "USE", "SET", "SHOW", "DESCRIBE", "COPY", "REPLACE", "TRUNCATE")

    /** The first keyword after leading comments, one of the API's statement types, else OTHER. */
    fun statementType(sql: String): String {
        var rest = sql.trimStart()
        while (true) {
            rest = when {
                rest.startsWith("--") -> rest.substringAfter('\n', "").trimStart()
                rest.startsWith("/*") -> rest.substringAfter("*/", "").trimStart()
                else -> break
            }
        }
        val word = rest.takeWhile { it.isLetter() }.uppercase()
        return if (word in TYPES) word else "OTHER"
    }
}
