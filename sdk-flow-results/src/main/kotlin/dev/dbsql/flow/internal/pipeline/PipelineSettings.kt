package dev.dbsql.flow.internal.pipeline

import kotlinx.coroutines.CoroutineDispatcher
import java.time.Duration
import kotlin.random.Random

/** The knobs of [ChunkPipeline], taken from the public result options. */
internal data class PipelineSettings(
    val concurrency: Int,
    val maxAttempts: Int,
    val initialBackoff: Duration,
    val maxBackoff: Duration,
    val maxLinkRefreshes: Int,
    val allowRowMismatch: Boolean,
    val dispatcher: CoroutineDispatcher,
    /** The fewest downloads the adaptive limit goes down to; [concurrency] is the most. Equal: fixed. */
    val minConcurrency: Int = concurrency,
) {
    init {
        require(concurrency >= 1) { "concurrency must be at least 1" }
        require(minConcurrency in 1..concurrency) { "minConcurrency must be in 1..concurrency" }
        require(maxAttempts >= 1) { "maxAttempts must be at least 1" }
    }

    /**
     * Wait before attempt `attempt + 1`: the server's Retry-After when it gave one (capped at
     * [maxBackoff]; a negative one is ignored), else exponential from [initialBackoff] with "equal jitter" (half fixed, half random).
     */
    fun backoff(attempt: Int, retryAfter: Duration?): Duration {
        if (retryAfter != null && !retryAfter.isNegative) return minOf(retryAfter, maxBackoff)
        val ceiling = minOf(maxBackoff.toMillis(), initialBackoff.toMillis() shl minOf(attempt, 20))
        val half = ceiling / 2
        return Duration.ofMillis(half + if (half > 0) Random.nextLong(half + 1) else 0)
    }
}

/** Turns pipeline failures into the public exception types. */
internal interface FailurePolicy {
    /** Whether another attempt may succeed. */
    fun isRetryable(e: Throwable): Boolean

    /** A failure no retry will fix (as the caller should see it). */
    fun permanent(e: Throwable): Throwable

    /** Retries are used up for chunk [spec]. */
    fun exhausted(spec: ChunkSpec, attempts: Int, last: Throwable): Throwable

    /** A chunk kept holding a different number of rows than promised. */
    fun incomplete(e: ChunkRowCountException): Throwable
}
