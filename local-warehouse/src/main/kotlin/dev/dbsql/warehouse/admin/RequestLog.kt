package dev.dbsql.warehouse.admin

import dev.dbsql.warehouse.faults.Endpoint
import java.time.Instant
import java.util.ArrayDeque

/**
 * One request as the warehouse saw it. Never holds a secret: the path has no query string, and
 * headers are recorded by NAME only (lower-cased).
 */
data class RequestRecord(
    val time: Instant,
    val method: String,
    val path: String,
    /** HTTP status sent; for an aborted body (injected reset / truncation) the status line that went out. */
    val status: Int?,
    /** The endpoint kind, when the request hit a SEA or download route. */
    val endpoint: Endpoint?,
    val statementId: String?,
    val headerNames: Set<String>,
    /** Whether an `Authorization` header was present (the interesting bit for downloads). */
    val authorizationPresent: Boolean,
    /** Names of the faults injected into this request, if any. */
    val fault: String?,
    val durationMillis: Long,
)

/** A bounded, thread-safe log of [RequestRecord]s (oldest dropped first). */
internal class RequestLog(private val capacity: Int) {
    private val records = ArrayDeque<RequestRecord>()

    @Synchronized
    fun add(record: RequestRecord) {
        if (records.size >= capacity) records.removeFirst()
        records.addLast(record)
    }

    @Synchronized
    fun snapshot(): List<RequestRecord> = records.toList()

    @Synchronized
    fun clear() = records.clear()
}
