package dev.dbsql.java

import dev.dbsql.core.ClientClosedException
import dev.dbsql.flow.RecordBatch
import dev.dbsql.java.internal.Bridge
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.launch
import kotlinx.coroutines.sync.Semaphore
import org.slf4j.LoggerFactory
import java.util.concurrent.CountDownLatch
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicReference

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
 * **Producer.** The first [hasNext] starts a producer coroutine (in the client's scope, on its
 * executor) that reads the stream and holds at most `ReadOptions.bufferedBatches` batches ready;
 * it pauses when they are not taken. [hasNext] blocks until a batch is ready or the stream ends.
 * Do not call it on a thread of an executor given to `DbsqlClient.create`: the producer may need
 * that thread (the default pools are safe).
 *
 * **Ownership.** The caller owns every batch [next] returns and must close it. Batches still
 * buffered belong to the iterator: [close] cancels the producer, waits for it to stop, then closes
 * every buffered batch — after it returns this iterator holds no buffer. Closing twice is a no-op.
 * An iterator that was never consumed sends nothing to the server.
 *
 * **Errors.** A stream failure is thrown by [hasNext] (and [next]) as the SDK's unchecked
 * exception (`DatabricksSqlException` and subclasses), again on every later call. Interrupting a
 * thread blocked in [hasNext] closes the iterator and throws `CancellationException`.
 *
 * **Threads.** [hasNext] and [next] are for one thread at a time; [close] may come from any thread.
 */
public class BatchIterator internal constructor(
    flow: Flow<RecordBatch>,
    private val bridge: Bridge,
    capacity: Int,
) : Iterator<RecordBatch>, AutoCloseable {
    private val queue = LinkedBlockingQueue<Any>()
    private val permits = Semaphore(capacity)
    private val closed = AtomicBoolean(false)
    private val ready = AtomicReference<RecordBatch?>(null)
    private val stopped = CountDownLatch(1)

    @Volatile
    private var failure: Throwable? = null
    private var end: End? = null

    private class End(val cause: Throwable?)

    private val producer: Job = bridge.scope.launch(start = CoroutineStart.LAZY) {
        try {
            flow.collect { batch ->
                try {
                    permits.acquire()
                } catch (e: Throwable) {
                    batch.close()
                    throw e
                }
                queue.put(batch)
            }
        } catch (e: CancellationException) {
            throw e
        } catch (e: Throwable) {
            failure = e
        }
    }

    init {
        producer.invokeOnCompletion { cause ->
            queue.put(End(failure ?: cause))
            if (closed.get()) drain()
            stopped.countDown()
        }
    }

    /**
     * True when another batch is ready; blocks until one is or the stream ends.
     * @throws dev.dbsql.core.DatabricksSqlException when the stream failed.
     */
    override fun hasNext(): Boolean {
        if (ready.get() != null) return true
        if (closed.get() || end != null) return finish()
        producer.start()
        val item = try {
            queue.take()
        } catch (e: InterruptedException) {
            close()
            Thread.currentThread().interrupt()
            throw CancellationException("interrupted while waiting for the next batch").apply { initCause(e) }
        }
        if (item is End) {
            end = item
            return finish()
        }
        permits.release()
        ready.set(item as RecordBatch)
        if (closed.get()) {
            ready.getAndSet(null)?.close()
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
        return ready.getAndSet(null) ?: throw NoSuchElementException("the iterator was closed")
    }

    /** Cancels the producer, waits for it to stop, and closes every batch not yet handed out. Idempotent. */
    override fun close() {
        if (!closed.compareAndSet(false, true)) return
        producer.cancel()
        try {
            if (!stopped.await(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                log.warn("result producer did not stop within {} s; its batches are freed when it does", STOP_WAIT_SECONDS)
            }
        } catch (e: InterruptedException) {
            Thread.currentThread().interrupt()
        }
        ready.getAndSet(null)?.close()
        drain()
    }

    private fun finish(): Boolean {
        if (closed.get()) return false
        val cause = end?.cause ?: return false
        if (cause is CancellationException && bridge.isClosed) {
            throw ClientClosedException("the DbsqlClient was closed while the result was read")
        }
        throw cause
    }

    private fun drain() {
        while (true) {
            val item = queue.poll() ?: return
            if (item is RecordBatch) item.close()
        }
    }

    override fun toString(): String = "BatchIterator(closed=${closed.get()}, buffered=${queue.count { it is RecordBatch }})"

    private companion object {
        /** Bounds [close]: the producer's own cleanup (e.g. cancelling a statement) is bounded to 10 s. */
        private const val STOP_WAIT_SECONDS = 15L
        val log = LoggerFactory.getLogger(BatchIterator::class.java)
    }
}
