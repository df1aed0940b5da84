package dev.dbsql.flow.internal.source

import kotlinx.coroutines.Job
import kotlinx.coroutines.async
import kotlinx.coroutines.delay
import kotlinx.coroutines.ensureActive
import kotlinx.coroutines.supervisorScope
import org.slf4j.LoggerFactory
import java.time.Duration
import java.util.concurrent.atomic.AtomicInteger

/**
 * Straggler protection for chunk downloads of one stream. A download whose response has not
 * started after [hedgeAfter] gets a second, identical request; the first response to arrive *claims*
 * the download and cancels the other request, so exactly one body is decoded and nothing arrives
 * twice. A stalled object-store request (a slow replica, a lost connection that never resets) then
 * costs about [hedgeAfter] instead of its whole stall.
 *
 * [hedgeAfter] is `max(minDelay, 4 × the median time to response headers of recent downloads)`
 * (`minDelay` alone until there are samples), so a network that is uniformly slow is not hedged.
 * Thread-safe; one instance per stream.
 */
internal class DownloadHedge(private val minDelay: Duration?) {
    private val recent = LongArray(WINDOW)
    private var samples = 0
    private val hedged = AtomicInteger()

    /** How many downloads got a second request so far. */
    val hedgedCount: Int get() = hedged.get()

    /** One download: both requests run [request] with their own [Claim]; see the class comment. */
    suspend fun <T : Any> download(chunkIndex: Int, request: suspend (Claim) -> T?): T {
        val min = minDelay ?: return request(Claim(null, 0)) ?: error("an unraced download was not claimed")
        // supervised: one request failing must not cancel the other, which may still deliver
        return supervisorScope {
            val race = Race()
            val started = System.nanoTime()
            val primary = async { request(Claim(race, 0)) }
            val wait = hedgeAfter(min)
            val backup = async {
                delay(wait.toMillis())
                if (!race.open || primary.isCompleted) return@async null
                race.backupStarted = true
                hedged.incrementAndGet()
                log.debug("chunk {}: no response after {}; sending a second request", chunkIndex, wait)
                request(Claim(race, 1))
            }
            race.jobs = arrayOf(primary, backup)
            val first = runCatching { primary.await() }
            ensureActive()
            if (!race.backupStarted) backup.cancel()
            val second = runCatching { backup.await() }
            ensureActive()
            record(race, started)
            val results = listOf(first, second)
            results.firstNotNullOfOrNull { it.getOrNull() }?.let { return@supervisorScope it }
            // nobody delivered: the claimer's failure wins, else the primary's
            val claimed = race.winner.get()
            throw (results.getOrNull(claimed)?.exceptionOrNull() ?: first.exceptionOrNull() ?: second.exceptionOrNull()
                ?: IllegalStateException("chunk $chunkIndex: no download request delivered"))
        }
    }

    private fun hedgeAfter(min: Duration): Duration {
        val median = synchronized(recent) {
            if (samples == 0) return min
            val n = minOf(samples, WINDOW)
            recent.copyOf(n).sorted()[n / 2]
        }
        val scaled = Duration.ofNanos(median * 4)
        return if (scaled > min) scaled else min
    }

    private fun record(race: Race, started: Long) {
        val headersAt = race.headersAt
        if (headersAt == 0L || race.winner.get() != 0) return // only undisturbed primaries describe the network
        synchronized(recent) { recent[samples++ % WINDOW] = headersAt - started }
    }

    /** The shared state of one raced download. */
    internal class Race {
        val winner = AtomicInteger(-1)
        @Volatile var jobs: Array<Job> = emptyArray()
        @Volatile var backupStarted = false
        @Volatile var headersAt = 0L
        val open: Boolean get() = winner.get() < 0
    }

    /** Handed to each request: [claim] when its response headers arrive; false means another request won. */
    class Claim internal constructor(private val race: Race?, private val id: Int) {
        fun claim(): Boolean {
            val r = race ?: return true
            if (!r.winner.compareAndSet(-1, id)) return false
            r.headersAt = System.nanoTime()
            r.jobs.getOrNull(1 - id)?.cancel()
            return true
        }
    }

    private companion object {
        const val WINDOW = 16
        val log = LoggerFactory.getLogger(DownloadHedge::class.java)
    }
}
