package dev.dbsql.java

import dev.dbsql.core.ClientClosedException
import dev.dbsql.flow.RecordBatch
import dev.dbsql.java.internal.Bridge
import dev.dbsql.java.internal.ProducerState
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.flow.Flow
import org.slf4j.LoggerFactory
import java.lang.ref.Cleaner
import java.util.concurrent.TimeUnit

/**
 * A blocking iterator over the batches of a result, and [AutoCloseable]:
 * ```java
 * try (BatchIterator batches = result.batches()) {
 *     while (batches.hasNext()) {
 *         try (RecordBatch batch = batches.next()) {
 *             BigIntVector ids = (BigIntVector) batch.vector("id");
 *             ...
 *         }
 *     }
 * }
 * ```
 *
 * **Producer.** The first [hasNext] starts a producer coroutine (in the client's scope, on the
 * SDK's own `dbsql-java-work` threads, which never run caller code) that reads the stream and
 * holds at most `ReadOptions.bufferedBatches` batches ready; it pauses when they are not taken.
 * [hasNext] blocks until a batch is ready or the stream ends; it may be called on any thread,
 * including a dependent stage of one of the client's futures or a thread of the executor given
 * to `DbsqlClient.create`.
 *
 * **Ownership.** The caller owns every batch [next] returns and must close it. Batches still
 * buffered belong to the iterator: [close] cancels the producer, waits for it to stop, then closes
 * every buffered batch — after it returns this iterator holds no buffer. Closing twice is a no-op.
 * An iterator that was never consumed sends nothing to the server. Closing the client closes its
 * open iterators; an iterator dropped without [close] is freed once the garbage collector finds
 * it unreachable (a `java.lang.ref.Cleaner`) — close it anyway, that is sooner.
 *
 * **Schema.** Every result yields at least one batch: an empty one has zero rows and the
 * result's schema.
 *
 * **Errors.** A stream failure is thrown by [hasNext] (and [next]) as the SDK's unchecked
 * exception (`DatabricksSqlException` and subclasses), again on every later call. Interrupting a
 * thread blocked in [hasNext] closes the iterator and throws `CancellationException`.
 *
 * **Threads.** [hasNext] and [next] are for one thread at a time; [close] may come from any thread.
 */
public class BatchIterator private constructor(
    private val state: ProducerState,
    private val bridge: Bridge,
) : Iterator<RecordBatch>, AutoCloseable {
    private val cleanable: Cleaner.Cleanable = bridge.streams.register(this, state)
    private var end: ProducerState.End? = null

    /**
     * True when another batch is ready; blocks until one is or the stream ends.
     * @throws dev.dbsql.core.DatabricksSqlException when the stream failed.
     */
    override fun hasNext(): Boolean {
        if (state.ready.get() != null) return true
        if (state.closed.get() || end != null) return finish()
        state.producer.start()
        val item = try {
            state.queue.take()
        } catch (e: InterruptedException) {
            close()
            Thread.currentThread().interrupt()
            throw CancellationException("interrupted while waiting for the next batch").apply { initCause(e) }
        }
        if (item is ProducerState.End) {
            end = item
            return finish()
        }
        state.permits.release()
        state.ready.set(item as RecordBatch)
        if (state.closed.get()) {
            state.ready.getAndSet(null)?.close()
            return false
        }
        return true
    }

    /**
     * The next batch, now owned by the caller, who must close it.
     * @throws NoSuchElementException when the stream has ended; the stream's failure like [hasNext].
     */
    override fun next(): RecordBatch {
        if (!hasNext()) throw NoSuchElementException("the result has no more batches")
        return state.ready.getAndSet(null) ?: throw NoSuchElementException("the iterator was closed")
    }

    /** Cancels the producer, waits for it to stop, and closes every batch not yet handed out. Idempotent. */
    override fun close() {
        cleanable.clean() // releases once, also when the client or the Cleaner got there first; then wait for the producer
        try {
            if (!state.stopped.await(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                log.warn("result producer did not stop within {} s; its batches are freed when it does", STOP_WAIT_SECONDS)
            }
        } catch (e: InterruptedException) {
            Thread.currentThread().interrupt()
        }
        state.drain()
    }

    private fun finish(): Boolean {
        if (state.closed.get()) {
            if (state.closedByClient) throw ClientClosedException("the DbsqlClient was closed while the result was read")
            return false
        }
        val cause = end?.cause ?: return false
        if (cause is CancellationException && bridge.isClosed) {
            throw ClientClosedException("the DbsqlClient was closed while the result was read")
        }
        throw cause
    }

    override fun toString(): String =
        "BatchIterator(closed=${state.closed.get()}, buffered=${state.queue.count { it is RecordBatch }})"

    internal companion object {
        /** Bounds [close]: the producer's own cleanup (e.g. cancelling a statement) is bounded to 10 s. */
        private const val STOP_WAIT_SECONDS = 15L
        private val log = LoggerFactory.getLogger(BatchIterator::class.java)

        /** An iterator over [flow] holding at most [capacity] batches ready. Not for Java. */
        @JvmSynthetic
        internal operator fun invoke(flow: Flow<RecordBatch>, bridge: Bridge, capacity: Int): BatchIterator =
            BatchIterator(ProducerState(flow, bridge, capacity), bridge)
    }
}
