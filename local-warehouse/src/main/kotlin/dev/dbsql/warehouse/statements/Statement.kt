package dev.dbsql.warehouse.statements

import dev.dbsql.warehouse.api.ExecuteSpec
import dev.dbsql.warehouse.engine.EngineContext
import dev.dbsql.warehouse.engine.StoredResult
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Job
import java.time.Instant

/** States of a statement, as on the wire. */
enum class StatementState {
    PENDING, RUNNING, SUCCEEDED, FAILED, CANCELED, CLOSED;

    val terminal: Boolean get() = this != PENDING && this != RUNNING
}

/** Why a statement FAILED: goes to `status.error` and `status.sql_state`. */
internal data class Failure(val errorCode: String, val message: String, val sqlState: String?)

/**
 * One statement and its state machine:
 * PENDING → RUNNING → SUCCEEDED / FAILED / CANCELED, and CLOSED after close or result expiry.
 * All transitions happen under the statement's lock; [done] completes on the first terminal state.
 * Only [owner] (the subject of the token that executed it) can see it, its chunks and its links.
 */
internal class Statement(
    val id: String,
    val spec: ExecuteSpec,
    val owner: String,
    val session: Session?,
    val receivedAt: Instant,
) {
    private val lock = Any()

    @Volatile var state: StatementState = StatementState.PENDING
        private set
    var failure: Failure? = null
        private set
    var holder: ResultHolder? = null
        private set
    var startedAt: Instant? = null
        private set
    var finishedAt: Instant? = null
        private set
    var engineStoppedAt: Instant? = null
        private set
    @Volatile var cancelRequestedAt: Instant? = null
        private set

    /** The last status, result or chunk request of the owner (or the receipt); see `WarehouseConfig.idleLimit`. */
    @Volatile var lastPolledAt: Instant = receivedAt

    /** When the warehouse abandoned the statement for want of polls; null while it was not. */
    @Volatile var abandonedAt: Instant? = null
    var closedAt: Instant? = null
        private set
    var expired: Boolean = false
        private set
    var cancelRequests: Int = 0
        private set

    /** Completes when the statement reaches SUCCEEDED, FAILED or CANCELED (or CLOSED before finishing). */
    val done = CompletableDeferred<Unit>()

    /** Completes with the time the first cancel request arrived. */
    val cancelArrived = CompletableDeferred<Instant>()

    /** The coroutine that queues and runs the statement. */
    @Volatile var job: Job? = null

    private var running: EngineContext? = null

    /** Moves PENDING → RUNNING on [context]; false when the statement was canceled or closed meanwhile. */
    fun start(context: EngineContext, now: Instant): Boolean {
        synchronized(lock) {
            if (state != StatementState.PENDING) return false
            state = StatementState.RUNNING
            startedAt = now
            running = context
            return true
        }
    }

    /** The engine returned a result. A cancel or close that arrived meanwhile wins: the result is dropped. */
    fun succeed(result: StoredResult, now: Instant) {
        val drop = synchronized(lock) {
            running = null
            engineStoppedAt = now
            when {
                closedAt != null -> { finish(StatementState.CLOSED, now); true }
                cancelRequestedAt != null -> { finish(StatementState.CANCELED, now); true }
                else -> { holder = ResultHolder(result); finish(StatementState.SUCCEEDED, now); false }
            }
        }
        if (drop) result.close()
    }

    fun fail(failure: Failure, now: Instant) {
        synchronized(lock) {
            running = null
            engineStoppedAt = now
            if (state.terminal) return
            when {
                closedAt != null -> finish(StatementState.CLOSED, now)
                // An interrupted query may surface as an engine error: a cancel that arrived first wins.
                cancelRequestedAt != null -> finish(StatementState.CANCELED, now)
                else -> {
                    this.failure = failure
                    finish(StatementState.FAILED, now)
                }
            }
        }
    }

    fun canceled(now: Instant) {
        synchronized(lock) {
            running = null
            engineStoppedAt = now
            if (!state.terminal) finish(if (closedAt != null) StatementState.CLOSED else StatementState.CANCELED, now)
        }
    }

    /**
     * Records a cancel request. PENDING → CANCELED at once; RUNNING → interrupt the engine (the caller
     * keeps calling [interruptIfRunning] until [done]); finished → nothing but the record.
     */
    fun requestCancel(now: Instant) {
        val pendingJob = synchronized(lock) {
            cancelRequests++
            if (cancelRequestedAt == null) cancelRequestedAt = now
            when (state) {
                StatementState.PENDING -> { finish(StatementState.CANCELED, now); job }
                else -> null
            }
        }
        cancelArrived.complete(now)
        pendingJob?.cancel()
        interruptIfRunning()
    }

    /** Interrupts the engine if the statement is running; true when it was. */
    fun interruptIfRunning(): Boolean {
        val ctx = synchronized(lock) { running } ?: return false
        ctx.cancel()
        return true
    }

    /** Explicit close (DELETE): results freed, state CLOSED. A running statement is interrupted first. */
    fun close(now: Instant) {
        var interrupt = false
        var cancelJob: Job? = null
        val toFree = synchronized(lock) {
            if (closedAt == null) closedAt = now
            when (state) {
                StatementState.PENDING -> { finish(StatementState.CLOSED, now); cancelJob = job }
                StatementState.RUNNING -> interrupt = true
                else -> state = StatementState.CLOSED
            }
            holder.also { holder = null }
        }
        toFree?.close()
        cancelJob?.cancel()
        if (interrupt) interruptIfRunning()
    }

    /** Frees the result once it outlived [retentionEnd]; afterwards the statement answers CLOSED. */
    fun expireIfDue(now: Instant, retentionEnd: (Instant) -> Instant): Boolean {
        val toFree: ResultHolder?
        synchronized(lock) {
            val finished = finishedAt ?: return false
            if (state != StatementState.SUCCEEDED || now.isBefore(retentionEnd(finished))) return false
            expired = true
            state = StatementState.CLOSED
            toFree = holder
            holder = null
        }
        toFree?.close()
        return true
    }

    /** A consistent view for rendering a response. */
    fun snapshot(): Snapshot = synchronized(lock) { Snapshot(state, failure, holder) }

    data class Snapshot(val state: StatementState, val failure: Failure?, val holder: ResultHolder?)

    private fun finish(to: StatementState, now: Instant) {
        state = to
        if (finishedAt == null) finishedAt = now
        done.complete(Unit)
    }
}
