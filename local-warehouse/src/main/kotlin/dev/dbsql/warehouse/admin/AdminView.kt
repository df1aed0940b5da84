package dev.dbsql.warehouse.admin

import dev.dbsql.warehouse.api.QueryTag
import dev.dbsql.warehouse.faults.Endpoint
import dev.dbsql.warehouse.statements.Statement
import dev.dbsql.warehouse.statements.StatementService
import dev.dbsql.warehouse.statements.StatementState
import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking
import java.time.Duration
import java.time.Instant
import java.util.EnumMap
import java.util.concurrent.atomic.AtomicLong

/** What the warehouse knows about one statement (a snapshot). */
data class StatementRecord(
    val id: String,
    val text: String,
    val sessionId: String?,
    val state: StatementState,
    val disposition: String,
    val format: String,
    val queryTags: List<QueryTag>,
    val receivedAt: Instant,
    val startedAt: Instant?,
    val finishedAt: Instant?,
    /** When the engine returned (result, failure or interruption). */
    val engineStoppedAt: Instant?,
    val cancelRequestedAt: Instant?,
    /** Number of cancel requests received. */
    val cancelRequests: Int,
    val closedAt: Instant?,
    /** True when the result was dropped because the retention passed. */
    val expired: Boolean,
    val errorMessage: String?,
    val sqlState: String?,
    /** When the warehouse abandoned the statement because nobody polled it (`WarehouseConfig.idleLimit`). */
    val abandonedAt: Instant? = null,
) {
    val abandoned: Boolean get() = abandonedAt != null
    val cancelArrived: Boolean get() = cancelRequestedAt != null
    val closeArrived: Boolean get() = closedAt != null
}

/**
 * The test-facing view of a running warehouse: statements, a request log and counters per endpoint.
 * Everything returns snapshots; the wait helpers poll every 10 ms. Thread-safe.
 */
class AdminView internal constructor(
    private val service: () -> StatementService,
    private val log: RequestLog,
) {
    private val counters = EnumMap<Endpoint, AtomicLong>(Endpoint::class.java).apply {
        Endpoint.entries.forEach { put(it, AtomicLong()) }
    }

    /** All known statements, oldest first. */
    fun statements(): List<StatementRecord> = service().allStatements().map { it.record() }.sortedBy { it.receivedAt }

    fun statement(id: String): StatementRecord? = statements().firstOrNull { it.id == id }

    /** Statements whose text equals [text] (e.g. to see whether a client retried an execute). */
    fun statementsWithText(text: String): List<StatementRecord> = statements().filter { it.text == text }

    /** The request log, oldest first (admin requests are not logged). */
    fun requests(): List<RequestRecord> = log.snapshot()

    fun requests(endpoint: Endpoint): List<RequestRecord> = requests().filter { it.endpoint == endpoint }

    /** How many requests of [endpoint] arrived (including ones answered by an injected fault). */
    fun count(endpoint: Endpoint): Long = counters.getValue(endpoint).get()

    /** Execute requests received (including rejected and fault-answered ones). */
    val executeCount: Long get() = count(Endpoint.EXECUTE)

    /** Link downloads received. */
    val downloadCount: Long get() = count(Endpoint.DOWNLOAD)

    /** Clears the request log and the counters. */
    fun resetRequests() {
        log.clear()
        counters.values.forEach { it.set(0) }
    }

    /** Suspends until a cancel arrived for [statementId]; throws [IllegalStateException] after [timeout] (a hang guard). */
    suspend fun awaitCancel(statementId: String, timeout: Duration = HANG_GUARD): StatementRecord =
        awaitStatement(statementId, timeout, "a cancel") { it.cancelArrived }

    /** Suspends until [statementId] is in one of [states]. */
    suspend fun awaitState(statementId: String, vararg states: StatementState, timeout: Duration = HANG_GUARD): StatementRecord =
        awaitStatement(statementId, timeout, "state ${states.joinToString("/")}") { it.state in states }

    /** Suspends until the record of [statementId] satisfies [condition]; throws [IllegalStateException] after [timeout]. */
    suspend fun awaitStatement(
        statementId: String,
        timeout: Duration = HANG_GUARD,
        condition: (StatementRecord) -> Boolean,
    ): StatementRecord = awaitStatement(statementId, timeout, "the awaited condition", condition)

    /**
     * Suspends until the request log holds a record matching [condition] and returns the first one.
     * (Records are written before their response is sent, so after a client has its answer this
     * returns at once; it is for requests other code makes in the background.)
     */
    suspend fun awaitRequest(timeout: Duration = HANG_GUARD, condition: (RequestRecord) -> Boolean): RequestRecord {
        val deadline = System.nanoTime() + timeout.toNanos()
        while (true) {
            requests().firstOrNull(condition)?.let { return it }
            check(System.nanoTime() <= deadline) { "no matching request arrived within $timeout" }
            delay(10)
        }
    }

    /** Blocking form of [awaitCancel] for Java callers. */
    fun awaitCancelBlocking(statementId: String, timeout: Duration): StatementRecord = runBlocking { awaitCancel(statementId, timeout) }

    private suspend fun awaitStatement(
        id: String,
        timeout: Duration,
        what: String,
        condition: (StatementRecord) -> Boolean,
    ): StatementRecord {
        val deadline = System.nanoTime() + timeout.toNanos()
        while (true) {
            val record = statement(id)
            if (record != null && condition(record)) return record
            if (System.nanoTime() > deadline) {
                throw IllegalStateException("statement $id: $what did not arrive within $timeout (now: ${record?.state ?: "unknown"})")
            }
            delay(10)
        }
    }

    private companion object {
        /** Default timeout of the wait helpers: only a guard against a hang, generous for a loaded machine. */
        val HANG_GUARD: Duration = Duration.ofSeconds(30)
    }

    internal fun countRequest(endpoint: Endpoint) {
        counters.getValue(endpoint).incrementAndGet()
    }

    internal fun logRequest(request: RequestRecord) {
        log.add(request)
    }
}

internal fun Statement.record(): StatementRecord = StatementRecord(
    id = id,
    text = spec.statement,
    sessionId = session?.id,
    state = state,
    disposition = spec.disposition.name,
    format = spec.format.name,
    queryTags = spec.queryTags,
    receivedAt = receivedAt,
    startedAt = startedAt,
    finishedAt = finishedAt,
    engineStoppedAt = engineStoppedAt,
    cancelRequestedAt = cancelRequestedAt,
    cancelRequests = cancelRequests,
    closedAt = closedAt,
    expired = expired,
    errorMessage = failure?.message,
    sqlState = failure?.sqlState,
    abandonedAt = abandonedAt,
)
