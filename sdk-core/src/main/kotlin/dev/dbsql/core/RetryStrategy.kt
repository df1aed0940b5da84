package dev.dbsql.core

import kotlin.time.Duration

/**
 * Decides whether and when a failed call is tried again.
 *
 * [retry] runs `block` in the caller's coroutine, waits with `delay` between attempts (so it is
 * cancellable and follows virtual time in tests) and throws the last failure when it gives up.
 * Implementations are stateless or thread-safe: one instance serves every call of a client.
 */
public interface RetryStrategy {
    /**
     * Runs [block] (given the 1-based attempt number) until it returns, fails with an error that
     * [classifier] says not to retry, or the attempt / time budget is used up.
     */
    public suspend fun <T> retry(
        classifier: RetryClassifier = RetryClassifier.Default,
        block: suspend (attempt: Int) -> T,
    ): T
}

/** Tells a [RetryStrategy] what to do with one failure. */
public fun interface RetryClassifier {
    public fun classify(failure: Throwable): RetryDecision

    public companion object {
        /** Retries a [DatabricksSqlException] whose [DatabricksSqlException.retryable] is true, honouring its `retryAfter`. */
        @JvmField
        public val Default: RetryClassifier = RetryClassifier { failure ->
            if (failure is DatabricksSqlException && failure.retryable) RetryDecision.Retry(failure.retryAfter) else RetryDecision.Fail
        }
    }
}

/** The verdict of a [RetryClassifier]. */
public sealed interface RetryDecision {
    /** Do not try again; the failure is thrown to the caller. */
    public data object Fail : RetryDecision

    /** Try again, after [after] when the server asked for a wait (`Retry-After`), else after the strategy's backoff. */
    public data class Retry(val after: Duration? = null) : RetryDecision
}
