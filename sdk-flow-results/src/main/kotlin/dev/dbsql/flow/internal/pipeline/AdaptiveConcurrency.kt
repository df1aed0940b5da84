package dev.dbsql.flow.internal.pipeline

import kotlinx.coroutines.channels.Channel
import java.util.concurrent.atomic.AtomicInteger

/**
 * Chooses how many downloads of one stream run at once, between [min] and [max].
 *
 * It measures in windows of as many finished downloads as the current limit. After each window:
 * - memory pressure seen in it (the scheduler had to wait for the byte budget) shrinks the limit by
 *   one: more downloads cannot help when memory is what they wait for;
 * - else a throughput at least 5 % above the previous window's grows it by one (still gaining);
 * - else a median download time per byte above twice the best seen, with no gain, shrinks it by
 *   one (the link or the storage host is saturated);
 * - else it holds.
 * With `min == max` the limit never moves. Thread-safe; [downloaded] and [memoryPressure] come from
 * any thread, [acquire] from the one scheduler coroutine.
 */
internal class AdaptiveConcurrency(val min: Int, val max: Int, initial: Int) {
    init {
        require(min in 1..max) { "min must be in 1..max" }
    }

    @Volatile
    var limit: Int = initial.coerceIn(min, max)
        private set

    private val inFlight = AtomicInteger()
    private val freed = Channel<Unit>(Channel.CONFLATED)

    private var windowStart = -1L
    private var windowBytes = 0L
    private val windowTimes = ArrayList<Long>()
    private var pressured = false
    private var lastThroughput = 0.0
    private var bestMedian = Long.MAX_VALUE

    /** Suspends until fewer than [limit] downloads run, then counts one more. */
    suspend fun acquire() {
        while (true) {
            val n = inFlight.get()
            if (n < limit) {
                if (inFlight.compareAndSet(n, n + 1)) return
                continue
            }
            freed.receive()
        }
    }

    fun release() {
        inFlight.decrementAndGet()
        freed.trySend(Unit)
    }

    private companion object {
        const val MIB = 1L shl 20
    }

    /** The scheduler waited for the byte budget. */
    @Synchronized
    fun memoryPressure() {
        pressured = true
    }

    /** A download of [bytes] took [nanos] and ended at [now] (nanoTime). */
    @Synchronized
    fun downloaded(bytes: Long, nanos: Long, now: Long) {
        if (min == max) return
        if (windowStart < 0) windowStart = now - nanos
        windowBytes += bytes
        windowTimes += nanos * MIB / maxOf(1L, bytes) // time per MiB: chunks of different sizes compare
        if (windowTimes.size < maxOf(2, limit)) return
        val elapsed = maxOf(1L, now - windowStart)
        val throughput = windowBytes.toDouble() / elapsed
        val median = windowTimes.sorted()[windowTimes.size / 2]
        bestMedian = minOf(bestMedian, median)
        val before = limit
        limit = when {
            pressured -> limit - 1
            throughput >= lastThroughput * 1.05 -> limit + 1
            median > 2 * bestMedian -> limit - 1
            else -> limit
        }.coerceIn(min, max)
        if (limit > before) freed.trySend(Unit)
        lastThroughput = throughput
        windowStart = now
        windowBytes = 0
        windowTimes.clear()
        pressured = false
    }
}
