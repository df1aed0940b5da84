package dev.dbsql.flow.internal.pipeline

import dev.dbsql.flow.SharedMemoryBudget
import kotlinx.coroutines.channels.Channel
import java.util.concurrent.atomic.AtomicLong

/**
 * Decompressed bytes a result stream may hold: reserved for chunks being downloaded, decoded and
 * not yet handed over, or handed over and not yet closed by the consumer.
 *
 * One coroutine (the scheduler) calls [acquire], always in chunk order, so admission is FIFO and a
 * large chunk is never starved by smaller ones behind it. [release] and [charge] come from any thread.
 * With a [shared] budget, every byte is also counted there: a chunk first gets room in this stream's
 * budget, then waits its turn in the shared one.
 */
internal class ByteBudget(val limit: Long, private val shared: SharedMemoryBudget? = null) {
    private val used = AtomicLong()
    private val peak = AtomicLong()
    private val changed = Channel<Unit>(Channel.CONFLATED)

    val usedBytes: Long get() = used.get()

    /** The most bytes ever reserved or charged at once. */
    val peakBytes: Long get() = peak.get()

    /**
     * Reserves [bytes], suspending until they fit. A reservation is let through over the limit when
     * nothing else is held (a chunk larger than the whole budget) or when [mustProceed] says the
     * consumer is waiting for exactly this chunk (everything held is then in the consumer's hands).
     * Returns whether it had to wait (here or in the shared budget).
     */
    suspend fun acquire(bytes: Long, mustProceed: () -> Boolean): Boolean {
        var waited = false
        while (true) {
            val u = used.get()
            if (u == 0L || u + bytes <= limit || mustProceed()) {
                if (used.compareAndSet(u, u + bytes)) {
                    notePeak(u + bytes)
                    break
                }
                continue
            }
            waited = true
            changed.receive()
        }
        if (shared == null) return waited
        try {
            return shared.acquire(bytes, mustProceed) || waited
        } catch (e: Throwable) {
            used.addAndGet(-bytes)
            wake()
            throw e
        }
    }

    /** Adds bytes a chunk turned out to need beyond its reservation; never waits. */
    fun charge(bytes: Long) {
        if (bytes > 0) notePeak(used.addAndGet(bytes))
        shared?.charge(bytes)
    }

    fun release(bytes: Long) {
        if (bytes > 0) used.addAndGet(-bytes)
        changed.trySend(Unit)
        shared?.release(bytes)
    }

    /** Makes a waiting [acquire] look again (e.g. because the consumer started waiting). */
    fun wake() {
        changed.trySend(Unit)
        shared?.wake()
    }

    private fun notePeak(value: Long) {
        peak.accumulateAndGet(value, ::maxOf)
    }
}
