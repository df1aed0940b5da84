package dev.dbsql.core

import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.delay
import org.slf4j.LoggerFactory
import kotlin.random.Random
import kotlin.time.Duration
import kotlin.time.Duration.Companion.nanoseconds
import kotlin.time.TimeSource

/**
 * The default [RetryStrategy]: exponential backoff with full jitter, bounded by
 * [RetryPolicy.maxAttempts] and [RetryPolicy.maxTotalTime].
 *
 * Before attempt `n + 1` it waits a random time in `[0, min(maxDelay, baseDelay * 2^(n-1))]`, or
 * exactly the server's `Retry-After` when the failure carried one. It gives up (throwing the last
 * failure, with the attempt count in its message) when the attempts are used up or when the next
 * wait would end after [RetryPolicy.maxTotalTime] from the first attempt.
 *
 * Waiting uses `delay`: it suspends, never blocks, is cancelled with the caller and follows
 * virtual time under `kotlinx-coroutines-test` when [timeSource] is the test scheduler's.
 *
 * @param timeSource measures the total time spent (inject a test time source for virtual time).
 * @param random the jitter source (inject a seeded one for reproducible tests).
 */
public class ExponentialBackoffRetryStrategy @JvmOverloads constructor(
    public val policy: RetryPolicy = RetryPolicy(),
    private val timeSource: TimeSource = TimeSource.Monotonic,
    private val random: Random = Random.Default,
) : RetryStrategy {
    override suspend fun <T> retry(classifier: RetryClassifier, block: suspend (attempt: Int) -> T): T {
        val start = timeSource.markNow()
        var attempt = 1
        while (true) {
            try {
                return block(attempt)
            } catch (e: CancellationException) {
                throw e
            } catch (e: Throwable) {
                val decision = classifier.classify(e)
                if (decision !is RetryDecision.Retry) {
                    if (attempt > 1) note(e, attempt, "failed on attempt $attempt, not retryable")
                    throw e
                }
                val elapsed = start.elapsedNow()
                if (attempt >= policy.maxAttempts) {
                    throw note(e, attempt, "gave up after $attempt attempts in ${elapsed.rounded()}; retry.maxAttempts = ${policy.maxAttempts}")
                }
                val wait = decision.after ?: backoff(attempt)
                if (elapsed + wait > policy.maxTotalTime) {
                    val why = if (decision.after != null) "the server asked to wait ${wait.rounded()}" else "the next wait is ${wait.rounded()}"
                    throw note(e, attempt, "gave up after $attempt attempts in ${elapsed.rounded()}: $why, beyond retry.maxTotalTime = ${policy.maxTotalTime}")
                }
                log.info("attempt {} failed ({}); retrying in {}", attempt, e.message, wait.rounded())
                delay(wait)
                attempt++
            }
        }
    }

    /** The jittered backoff before the attempt after [attempt] (1-based). */
    internal fun backoff(attempt: Int): Duration {
        val exp = policy.baseDelay * (1L shl (attempt - 1).coerceIn(0, 30)).toDouble()
        val cap = if (exp > policy.maxDelay) policy.maxDelay else exp
        return (cap.inWholeNanoseconds * random.nextDouble()).toLong().nanoseconds
    }

    private fun note(e: Throwable, attempts: Int, text: String): Throwable {
        if (e is DatabricksSqlException) e.recordRetries(attempts, text) else e.addSuppressed(RetriesExhausted(text))
        return e
    }

    private class RetriesExhausted(message: String) : RuntimeException(message, null, false, false)

    override fun toString(): String = "ExponentialBackoffRetryStrategy($policy)"

    private companion object {
        val log = LoggerFactory.getLogger(ExponentialBackoffRetryStrategy::class.java)
        fun Duration.rounded(): String = inWholeMilliseconds.let { if (it >= 1000) "%.1f s".format(it / 1000.0) else "$it ms" }
    }
}
