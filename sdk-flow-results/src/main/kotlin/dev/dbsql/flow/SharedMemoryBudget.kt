package dev.dbsql.flow

import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CompletableDeferred

/**
 * A memory budget shared by many result streams: the decompressed bytes that all streams reading
 * through it hold at once (chunks downloading, batches waiting for their consumer, batches not yet
 * closed) stay under [limitBytes]. Each stream's own [ResultOptions.memoryBudgetBytes] still applies
 * on top, so a stream never holds more than the smaller of the two.
 *
 * **Admission** is first come, first served across streams: a chunk waits until its size fits, and a
 * smaller chunk of another stream does not overtake it. One exception keeps every stream moving and
 * rules out deadlock: a chunk that its stream's consumer is waiting for, while no other chunk of that
 * stream is still being produced (everything the stream holds is then in its consumer's hands), is
 * admitted at once, even over the limit. The budget can therefore be exceeded by at most one chunk
 * per stream in that state; a stream that holds nothing always gets its next chunk.
 *
 * **Ownership and lifetime.** The caller creates and owns a budget and may share it between clients;
 * it holds no resource and needs no closing. [process] is the one used when a stream names none.
 * A stream returns its share when its batches are closed, when it ends, fails or is cancelled.
 *
 * **Threads.** Thread-safe. Waiting for room suspends the stream's scheduler coroutine (on the
 * stream's dispatcher); no thread is blocked.
 */
public class SharedMemoryBudget(public val limitBytes: Long) {
    init {
        require(limitBytes > 0) { "limitBytes must be positive, was $limitBytes" }
    }

    private class Waiter(val bytes: Long, val mustProceed: () -> Boolean) {
        val admitted = CompletableDeferred<Unit>()
    }

    private val lock = Any()
    private var used = 0L
    private var peak = 0L
    private val waiters = ArrayDeque<Waiter>()

    /** Bytes the streams hold (or have reserved) right now. */
    public val usedBytes: Long get() = synchronized(lock) { used }

    /** The most bytes held at once since this budget was created. */
    public val peakBytes: Long get() = synchronized(lock) { peak }

    /** Chunks waiting for room right now. */
    public val waitingChunks: Int get() = synchronized(lock) { waiters.size }

    /**
     * Reserves [bytes] for one chunk, suspending in line until they fit (or [mustProceed] says go).
     * Returns whether it had to wait.
     */
    internal suspend fun acquire(bytes: Long, mustProceed: () -> Boolean): Boolean {
        val waiter = synchronized(lock) {
            if (waiters.isEmpty() && fits(bytes)) {
                add(bytes)
                return false
            }
            Waiter(bytes, mustProceed).also { waiters.addLast(it) }
        }
        admitWaiting()
        try {
            waiter.admitted.await()
            return true
        } catch (e: CancellationException) {
            val admitted = synchronized(lock) { waiter.admitted.isCompleted || !waiters.remove(waiter) }
            if (admitted) release(bytes) else admitWaiting()
            throw e
        }
    }

    /** Counts bytes a chunk turned out to need beyond its reservation; never waits. */
    internal fun charge(bytes: Long) {
        if (bytes <= 0) return
        synchronized(lock) { add(bytes) }
    }

    internal fun release(bytes: Long) {
        if (bytes > 0) synchronized(lock) { used -= bytes }
        admitWaiting()
    }

    /** Looks at the waiting chunks again (a consumer started waiting, a producer finished). */
    internal fun wake() {
        admitWaiting()
    }

    private fun fits(bytes: Long) = used == 0L || used + bytes <= limitBytes

    private fun add(bytes: Long) {
        used += bytes
        if (used > peak) peak = used
    }

    private fun admitWaiting() {
        val go = ArrayList<Waiter>()
        synchronized(lock) {
            while (waiters.isNotEmpty() && fits(waiters.first().bytes)) {
                val head = waiters.removeFirst()
                add(head.bytes)
                go += head
            }
            val rest = waiters.iterator()
            while (rest.hasNext()) {
                val w = rest.next()
                if (w.mustProceed()) {
                    rest.remove()
                    add(w.bytes)
                    go += w
                }
            }
        }
        go.forEach { it.admitted.complete(Unit) }
    }

    override fun toString(): String = "SharedMemoryBudget(limit=$limitBytes, used=$usedBytes, waiting=$waitingChunks)"

    public companion object {
        /**
         * The budget of every stream that names none: 1 GiB, or the bytes in the system property
         * `dbsql.results.processBudgetBytes` (read once, when first used).
         */
        public val process: SharedMemoryBudget by lazy {
            SharedMemoryBudget(System.getProperty("dbsql.results.processBudgetBytes")?.toLongOrNull() ?: (1L shl 30))
        }
    }
}
