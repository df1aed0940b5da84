package dev.dbsql.java.internal

import dev.dbsql.flow.RecordBatch
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.launch
import kotlinx.coroutines.sync.Semaphore
import java.util.concurrent.CountDownLatch
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicReference

/**
 * Everything a `BatchIterator` holds, apart from the iterator itself, so that a [java.lang.ref.Cleaner]
 * can free it when the iterator is dropped unclosed: the producer coroutine (on the facade's own
 * threads), the queue of batches it has read ahead (at most `capacity`), and the batch handed to
 * `hasNext` but not yet taken.
 */
internal class ProducerState(flow: Flow<RecordBatch>, bridge: Bridge, capacity: Int) {
    val queue = LinkedBlockingQueue<Any>()
    val permits = Semaphore(capacity)
    val closed = AtomicBoolean(false)
    val ready = AtomicReference<RecordBatch?>(null)
    val stopped = CountDownLatch(1)

    /** True when the client's closing released this iterator (it then reports `ClientClosedException`). */
    @Volatile
    var closedByClient: Boolean = false
        private set

    @Volatile
    private var failure: Throwable? = null
    private val closeListeners = java.util.concurrent.CopyOnWriteArrayList<Runnable>()

    /** The end of the stream, queued after the last batch; [cause] is its failure. */
    class End(val cause: Throwable?)

    val producer: Job = bridge.scope.launch(start = CoroutineStart.LAZY) {
        try {
            flow.collect { batch ->
                try {
                    permits.acquire()
                } catch (e: Throwable) {
                    batch.close()
                    throw e
                }
                queue.put(batch)
                if (closed.get()) drain()
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

    fun onClosed(listener: Runnable) {
        closeListeners.add(listener)
        if (closed.get()) listener.run()
    }

    /**
     * Marks the iterator closed, cancels the producer and frees every batch not handed out; what
     * the producer still holds is freed when it stops. Does not wait. Idempotent.
     */
    fun release(byClient: Boolean = false) {
        if (byClient) closedByClient = true
        if (!closed.compareAndSet(false, true)) return
        producer.cancel()
        ready.getAndSet(null)?.close()
        drain()
        closeListeners.forEach { it.run() }
    }

    fun drain() {
        while (true) {
            val item = queue.poll() ?: return
            if (item is RecordBatch) item.close() else queue.put(item)
            if (item is End) return
        }
    }
}
