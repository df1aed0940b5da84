@file:JvmName("ResultFlows")

package dev.dbsql.flow

import dev.dbsql.core.ClientClosedException
import dev.dbsql.core.DatabricksSqlClient
import dev.dbsql.core.ExecuteOptions
import dev.dbsql.core.StatementHandle
import dev.dbsql.core.StatementParameters
import dev.dbsql.core.StatementResult
import dev.dbsql.core.internal.clientScope
import dev.dbsql.core.internal.resultOf
import dev.dbsql.flow.internal.FlowFailures
import dev.dbsql.flow.internal.ResultPlanner
import dev.dbsql.flow.internal.arrow.DefaultAllocator
import dev.dbsql.flow.internal.pipeline.ChunkPipeline
import dev.dbsql.flow.internal.pipeline.PipelineSettings
import dev.dbsql.flow.internal.pipeline.StreamMemory
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.cancel
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.emitAll
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.flow.transform
import kotlinx.coroutines.isActive
import kotlinx.coroutines.job
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeoutOrNull
import java.time.Duration
import kotlin.time.Duration.Companion.seconds

/**
 * The rows of this result as a cold flow of Arrow [RecordBatch]es, in result order, whatever the
 * wire format: inline JSON_ARRAY (converted to Arrow by the manifest's types), an inline Arrow
 * attachment, or Arrow / JSON through external links (CloudFetch).
 *
 * **Cold.** Nothing is requested before collection starts; every collection reads the result
 * again from the server (the statement is not run again). Errors surface in the collector.
 *
 * **Threads and buffering.** Downloads, LZ4 decompression, Arrow decoding and JSON conversion run
 * on [ResultOptions.dispatcher] (default [ResultOptions.sharedDispatcher]), up to [ResultOptions.concurrency]
 * chunks at once; batches are handed to the collector in its own context, in chunk order. Buffered
 * data is bounded by [ResultOptions.memoryBudgetBytes] of decompressed Arrow data, counted from the
 * start of a chunk's download until the collector closes its batches.
 *
 * **Ownership.** The collector owns each emitted batch and must close it (`batch.use { … }`).
 * When collection ends — completed, failed, cancelled, or stopped early by an operator such as
 * `take` — downloads stop, batches not yet handed over are freed, and the stream's allocator closes
 * at zero as soon as the batches already handed over are closed. An operator that drops batches
 * without passing them on (`filter`, `takeWhile`, `first { … }`) must close what it drops, e.g.
 * `transformWhile { b -> if (keep(b)) { emit(b); true } else { b.close(); false } }`.
 *
 * **Schema.** A result (or chunk range) without rows yields one batch of zero rows whose schema
 * is the manifest's columns as Arrow types, so that every collection sees the schema.
 *
 * **Completeness.** A result the server marked `truncated`, or whose rows do not match the
 * manifest (per chunk and in total), fails with [IncompleteResultException] unless
 * [ResultOptions.allowTruncated]. Downloads are retried; past the budget a chunk fails with
 * [ChunkDownloadException]. [ResultOptions.onProgress] reports each chunk fully delivered.
 *
 * The statement stays open on the server: this flow does not own it (see [executeStreaming]).
 * Closing the client fails the collection with [ClientClosedException].
 */
public fun StatementResult.batches(options: ResultOptions = ResultOptions()): Flow<RecordBatch> = flow {
    val result = this@batches
    val plan = ResultPlanner.plan(result, options)
    if (plan == null) {
        // No chunk to read: one batch of no rows still gives the collector the result's schema.
        emit(RecordBatch(ResultPlanner.emptyRoot(result.manifest, options.allocator ?: DefaultAllocator.root), options.startChunk, 0))
        options.onProgress?.invoke(ResultProgress(statementId, options.startChunk, options.startChunk, 0))
        return@flow
    }
    val memory = StreamMemory(
        options.allocator ?: DefaultAllocator.root, options.memoryBudgetBytes, options.effectiveSlackBytes,
        "dbsql-result-$statementId", options.sharedBudget,
    )
    val settings = PipelineSettings(
        concurrency = plan.concurrency,
        maxAttempts = options.maxAttempts,
        initialBackoff = Duration.ofMillis(options.initialBackoff.inWholeMilliseconds),
        maxBackoff = Duration.ofMillis(options.maxBackoff.inWholeMilliseconds),
        maxLinkRefreshes = options.maxLinkRefreshes,
        allowRowMismatch = options.allowTruncated,
        dispatcher = if (plan.inMemory) Dispatchers.Unconfined else options.dispatcher,
        minConcurrency = minOf(options.minConcurrency, plan.concurrency),
    )
    val failures = FlowFailures(statementId, { memory.budget }, options.memoryBudgetBytes + options.effectiveSlackBytes)
    var delivered = 0L
    lateinit var pipeline: ChunkPipeline
    pipeline = ChunkPipeline(plan.chunks, plan.producer, settings, failures, memory) { spec, rows ->
        delivered = rows
        options.onProgress?.invoke(
            ResultProgress(
                statementId, spec.endIndex, plan.endChunk, rows, memory.budget.usedBytes, memory.budget.peakBytes,
                if (plan.inMemory) 0 else pipeline.downloads.limit,
            ),
        )
    }
    stopWithClient(result.client) { emitAll(pipeline.batches()) }
    val expected = plan.expectedRows
    if (expected != null && delivered != expected && !options.allowTruncated) {
        throw IncompleteResultException(
            "statement $statementId: delivered $delivered rows, the manifest promised $expected",
            statementId, expectedRows = expected, actualRows = delivered,
        )
    }
}

/**
 * The rows of this result, one [Row] view at a time; see [batches] for the cold-flow contract,
 * threads, buffering and completeness. A row is valid only until the collector returns for it
 * (each batch is closed after its last row); use [Row.toMap] to keep values.
 */
public fun StatementResult.rows(options: ResultOptions = ResultOptions()): Flow<Row> = batches(options).rows()

/** Each batch's rows, in order; every batch is closed after its last row was collected. */
public fun Flow<RecordBatch>.rows(): Flow<Row> = transform { batch ->
    batch.use { for (i in 0 until it.rowCount) emit(it.row(i)) }
}

/**
 * Runs [sql] when collected and streams its result like [batches]; the flow **owns the
 * statement**: when collection completes the result is released on the server (`close`); when it
 * fails, is cancelled or stops early, the statement is cancelled and released. Both happen
 * in a non-cancellable block bounded to 10 s. Cancelling while the statement is still running
 * cancels it (see `DatabricksSqlClient.execute`). Collecting twice runs the statement twice.
 */
public fun DatabricksSqlClient.executeStreaming(
    sql: String,
    params: StatementParameters = StatementParameters.NONE,
    executeOptions: ExecuteOptions = ExecuteOptions.DEFAULT,
    resultOptions: ResultOptions = ResultOptions(),
): Flow<RecordBatch> = flow {
    val result = execute(sql, params, executeOptions)
    var finished = false
    try {
        emitAll(result.batches(resultOptions))
        finished = true
    } finally {
        withContext(NonCancellable) {
            withTimeoutOrNull(10.seconds) {
                if (!finished) runCatching { cancel(result.handle) }
                runCatching { close(result.handle) }
            }
        }
    }
}

/**
 * Resumes reading the statement behind [handle] at the chunk its progress records
 * ([nextResultChunk], set with [withResultProgress]) — from any process. Cold: waits for the
 * statement and reads nothing before collection. See [batches].
 */
public fun DatabricksSqlClient.resumeBatches(handle: StatementHandle, options: ResultOptions = ResultOptions()): Flow<RecordBatch> =
    flow { emitAll(resultOf(handle).batches(options.copy(startChunk = handle.nextResultChunk))) }

/** Cancels the collection when [client] closes and reports that as [ClientClosedException]. */
private suspend fun stopWithClient(client: DatabricksSqlClient, block: suspend () -> Unit) {
    if (client.isClosed) throw ClientClosedException()
    try {
        coroutineScope {
            val scope = this
            val watch = client.clientScope.coroutineContext.job.invokeOnCompletion {
                scope.cancel(CancellationException("client closed"))
            }
            try {
                block()
            } finally {
                watch.dispose()
            }
        }
    } catch (e: CancellationException) {
        if (client.isClosed && currentCoroutineContext().isActive) {
            throw ClientClosedException("the DatabricksSqlClient was closed while the result was read")
        }
        throw e
    }
}
