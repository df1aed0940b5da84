package dev.dbsql.flow.internal.pipeline

import dev.dbsql.flow.RecordBatch
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.channels.SendChannel
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.job
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import org.slf4j.LoggerFactory
import java.util.concurrent.ConcurrentLinkedQueue
import java.util.concurrent.atomic.AtomicInteger

/**
 * The download pipeline of one result stream.
 *
 * A scheduler walks the chunks in order. For each it reserves the chunk's decompressed size in the
 * [ByteBudget] (FIFO), takes a download slot ([AdaptiveConcurrency] sets how many), puts the chunk's slot into the
 * ordered queue and starts a worker. Workers decode while they download and push batches into their
 * chunk's slot; a permit is freed when a download ends, not when it is consumed, so chunks behind a
 * slow one keep downloading as long as the budget allows (no head-of-line blocking beyond memory).
 * The consumer drains the slots strictly in chunk order.
 *
 * A failed attempt is retried with backoff (an expired link right away, with a fresh link); the
 * retry skips the rows already handed over, so nothing arrives twice.
 */
internal class ChunkPipeline(
    private val chunks: List<ChunkSpec>,
    private val producer: ChunkProducer,
    private val settings: PipelineSettings,
    private val failures: FailurePolicy,
    private val memory: StreamMemory,
    private val onChunkDelivered: suspend (ChunkSpec, rowsDelivered: Long) -> Unit,
) {
    private class Slot(val spec: ChunkSpec, val lease: ChunkLease) {
        val batches = Channel<RecordBatch>(Channel.UNLIMITED) { it.close() }
    }

    private val slots = ConcurrentLinkedQueue<Slot>()
    /**
     * The chunk the consumer is waiting for because its slot is not scheduled yet, or -1. Keyed by
     * chunk (not a flag): after the slot is sent, the consumer may take a while to resume, and
     * meanwhile the scheduler must not mistake the chunks behind it for the one the consumer awaits.
     */
    private val consumerWaitsFor = AtomicInteger(-1)

    /** How many downloads run at once; read by progress reports. */
    val downloads = AdaptiveConcurrency(settings.minConcurrency, settings.concurrency, minOf(4, settings.concurrency))

    @Volatile
    private var failed = false

    /** Collect once: the batches of every chunk, in order. Cleans up all memory on any exit. */
    fun batches(): Flow<RecordBatch> = flow {
        try {
            coroutineScope {
                val ordered = Channel<Slot>(Channel.UNLIMITED)
                val work = this
                launch(settings.dispatcher) { schedule(work, ordered) }
                var rows = 0L
                for (spec in chunks) {
                    val slot = ordered.tryReceive().getOrNull() ?: awaitHead(ordered, spec.index)
                    check(slot.spec.index == spec.index) { "pipeline out of order" }
                    for (batch in slot.batches) {
                        rows += batch.rowCount
                        emit(batch)
                    }
                    onChunkDelivered(spec, rows)
                }
                currentCoroutineContext().job.children.forEach { it.cancel() }
            }
        } finally {
            withContext(NonCancellable) { cleanUp() }
        }
    }

    private suspend fun awaitHead(ordered: Channel<Slot>, chunkIndex: Int): Slot {
        consumerWaitsFor.set(chunkIndex)
        memory.budget.wake()
        try {
            return ordered.receive()
        } finally {
            consumerWaitsFor.compareAndSet(chunkIndex, -1)
        }
    }

    private suspend fun schedule(work: CoroutineScope, ordered: SendChannel<Slot>) {
        val permits = downloads
        try {
            for (spec in chunks) {
                if (failed) break
                // Over the budget, a chunk still starts when the consumer waits for this very chunk and no
                // earlier chunk is still being produced: everything held is then in the consumer's hands
                // (batches it keeps open), so waiting would never end.
                val waited = memory.budget.acquire(spec.reserveBytes) { consumerWaitsFor.get() == spec.index && !memory.anyProducing }
                if (waited) permits.memoryPressure()
                permits.acquire()
                val slot = try {
                    Slot(spec, memory.lease(spec.index, spec.reserveBytes))
                } catch (e: Throwable) {
                    memory.budget.release(spec.reserveBytes)
                    permits.release()
                    throw e
                }
                slots += slot
                ordered.send(slot)
                producer.admitted(spec, work)
                // ATOMIC: the worker runs (and releases its lease) even when cancelled before it started
                work.launch(settings.dispatcher, CoroutineStart.ATOMIC) {
                    try {
                        runChunk(slot)
                    } finally {
                        permits.release()
                    }
                }
            }
            ordered.close()
        } catch (e: Throwable) {
            ordered.close(e)
            throw e
        }
    }

    private suspend fun runChunk(slot: Slot) {
        val spec = slot.spec
        var handedOver = 0L
        var attempt = 0
        var refreshes = 0
        try {
            while (true) {
                val started = System.nanoTime()
                try {
                    val rowsRead = producer.produce(spec, attempt, handedOver, slot.lease.allocator) { root ->
                        val batch = RecordBatch(root, spec.index, spec.rowOffset + handedOver, slot.lease::batchClosed)
                        slot.lease.batchOpened()
                        handedOver += root.rowCount
                        slot.lease.observe()
                        if (slot.batches.trySend(batch).isFailure) batch.close()
                    }
                    val expected = spec.rowCount
                    if (expected != null && rowsRead != expected) {
                        throw ChunkRowCountException(spec.index, expected, rowsRead)
                    }
                    slot.batches.close()
                    val now = System.nanoTime()
                    downloads.downloaded(spec.reserveBytes, now - started, now)
                    return
                } catch (e: CancellationException) {
                    throw e
                } catch (e: LinkExpiredException) {
                    if (++refreshes > settings.maxLinkRefreshes) return fail(slot, failures.exhausted(spec, attempt + refreshes, e))
                    log.debug("chunk {}: link expired, fetching a fresh one", spec.index)
                } catch (e: Throwable) {
                    val mismatch = e as? ChunkRowCountException
                    if (!failures.isRetryable(e) && mismatch == null) return fail(slot, failures.permanent(e))
                    if (attempt + 1 >= settings.maxAttempts) {
                        if (mismatch != null && settings.allowRowMismatch) {
                            log.warn("accepting chunk {} as it is: {}", spec.index, mismatch.message)
                            slot.batches.close()
                            return
                        }
                        val error = if (mismatch != null) failures.incomplete(mismatch) else failures.exhausted(spec, attempt + 1, e)
                        return fail(slot, error)
                    }
                    val wait = settings.backoff(attempt, (e as? RetryableChunkException)?.retryAfter)
                    log.debug("chunk {} attempt {} failed ({}); retrying in {}", spec.index, attempt + 1, e.toString(), wait)
                    attempt++
                    delay(wait.toMillis())
                }
            }
        } finally {
            slot.lease.producerDone()
        }
    }

    private fun fail(slot: Slot, error: Throwable) {
        failed = true
        memory.budget.wake()
        slot.batches.close(error)
    }

    private fun cleanUp() {
        for (slot in slots) slot.batches.cancel()
        memory.end()
    }

    private companion object {
        val log = LoggerFactory.getLogger(ChunkPipeline::class.java)
    }
}
