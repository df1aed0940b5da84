package dev.dbsql.flow

import dev.dbsql.core.StatementResult
import dev.dbsql.core.internal.clientScope
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Job
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.channels.ClosedReceiveChannelException
import kotlinx.coroutines.launch
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock

/**
 * PEP-249-style reading for callers who want rows, not a stream: [fetchOne], [fetchMany] and
 * [fetchAll] continue where the previous call stopped. Rows are detached copies (`List<Any?>` of
 * [Row.getObject] values in column order), valid after the cursor is closed.
 *
 * **Memory.** Besides the rows handed out, a cursor holds at most one decoded batch plus what the
 * stream buffers ([ResultOptions.memoryBudgetBytes]). [fetchAll] holds every remaining row on the
 * heap and refuses, before reading, a result whose manifest counts more than its `maxRows`.
 *
 * **Ownership and threads.** Reading starts at the first fetch, in the client's scope; [close]
 * (idempotent) stops it and frees the buffered batch; closing the client stops it too. Calls are
 * serialised (thread-safe), but [close] must not race a fetch of the same cursor.
 * The statement stays open on the server (close the [StatementResult] to release it).
 */
public class ResultCursor internal constructor(
    private val result: StatementResult,
    private val options: ResultOptions,
) : AutoCloseable {
    private val lock = Mutex()
    private var channel: Channel<RecordBatch>? = null
    private var job: Job? = null
    private var current: RecordBatch? = null
    private var next = 0
    private var done = false
    @Volatile private var closed = false

    /** The result's columns (see [ColumnDescription]); known without reading. */
    public val description: List<ColumnDescription> get() = result.description

    /** The next row, or null past the last one. */
    public suspend fun fetchOne(): List<Any?>? = fetchMany(1).firstOrNull()

    /** Up to [n] next rows (fewer only at the end; empty past it). */
    public suspend fun fetchMany(n: Int): List<List<Any?>> {
        require(n >= 0) { "n must not be negative, was $n" }
        return lock.withLock { take(n.toLong()) }
    }

    /**
     * All remaining rows.
     * @throws IllegalStateException when the manifest counts more than [maxRows] rows (checked before reading).
     */
    public suspend fun fetchAll(maxRows: Long = DEFAULT_FETCH_ALL_MAX_ROWS): List<List<Any?>> {
        checkBound(result, maxRows)
        return lock.withLock { take(Long.MAX_VALUE) }
    }

    private suspend fun take(n: Long): List<List<Any?>> {
        check(!closed) { "the cursor is closed" }
        val out = ArrayList<List<Any?>>(minOf(n, 1024L).toInt())
        while (out.size < n) {
            val batch = batch() ?: break
            while (next < batch.rowCount && out.size < n) out += batch.row(next++).toList()
        }
        return out
    }

    /** The batch with rows left, or null at the end. */
    private suspend fun batch(): RecordBatch? {
        while (true) {
            current?.let { if (next < it.rowCount) return it; it.close(); current = null }
            if (done) return null
            val ch = channel ?: start()
            val received = try {
                ch.receive()
            } catch (e: ClosedReceiveChannelException) {
                done = true
                return null
            }
            current = received
            next = 0
        }
    }

    private fun start(): Channel<RecordBatch> {
        val ch = Channel<RecordBatch>(Channel.RENDEZVOUS) { it.close() }
        channel = ch
        job = result.client.clientScope.launch(start = CoroutineStart.UNDISPATCHED) {
            try {
                result.batches(options).collect { ch.send(it) }
                ch.close()
            } catch (e: Throwable) {
                ch.close(e) // the fetch that waits gets the failure; the client's scope does not
            }
        }
        return ch
    }

    /** Stops reading and frees the buffered batch. Idempotent; fetches after it fail. */
    override fun close() {
        if (closed) return
        closed = true
        job?.cancel()
        channel?.cancel()
        current?.close()
        current = null
    }

    public companion object {
        /** [fetchAll]'s default bound on the rows held on the heap. */
        public const val DEFAULT_FETCH_ALL_MAX_ROWS: Long = 1_000_000L

        internal fun checkBound(result: StatementResult, maxRows: Long) {
            require(maxRows >= 0) { "maxRows must not be negative, was $maxRows" }
            val total = result.manifest.totalRowCount
            check(total <= maxRows) {
                "statement ${result.statementId} has $total rows, more than fetchAll's bound of $maxRows; " +
                    "raise maxRows or read it as a stream (rows()/batches())"
            }
        }
    }
}

/** A [ResultCursor] over this result, read with [options] once the first fetch asks. */
public fun StatementResult.cursor(options: ResultOptions = ResultOptions()): ResultCursor = ResultCursor(this, options)

/**
 * Every row of this result as detached value lists (see [ResultCursor]); holds them all on the heap.
 * @throws IllegalStateException when the manifest counts more than [maxRows] rows (checked before reading).
 */
public suspend fun StatementResult.fetchAll(
    maxRows: Long = ResultCursor.DEFAULT_FETCH_ALL_MAX_ROWS,
    options: ResultOptions = ResultOptions(),
): List<List<Any?>> {
    ResultCursor.checkBound(this, maxRows)
    return cursor(options).use { it.fetchAll(maxRows) }
}

/** Up to [n] first rows of this result; stops reading after them. */
public suspend fun StatementResult.fetchMany(n: Int, options: ResultOptions = ResultOptions()): List<List<Any?>> =
    cursor(options).use { it.fetchMany(n) }

/** The first row of this result, or null when it has none; stops reading after it. */
public suspend fun StatementResult.fetchOne(options: ResultOptions = ResultOptions()): List<Any?>? =
    cursor(options).use { it.fetchOne() }
