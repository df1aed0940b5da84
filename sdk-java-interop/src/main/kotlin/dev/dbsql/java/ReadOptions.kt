package dev.dbsql.java

import dev.dbsql.core.ConfigurationException
import dev.dbsql.flow.ResultOptions
import dev.dbsql.flow.SharedMemoryBudget
import dev.dbsql.flow.ResultProgress
import kotlinx.coroutines.asCoroutineDispatcher
import org.apache.arrow.memory.BufferAllocator
import java.time.Duration
import java.util.concurrent.Executor
import java.util.function.Consumer
import kotlin.time.toKotlinDuration

/**
 * How a result is read by a [ResultStream], built with [builder]:
 * ```java
 * ReadOptions options = ReadOptions.builder()
 *     .memoryBudgetBytes(64L << 20)
 *     .allocator(myRootAllocator)              // each stream gets a child of it
 *     .onProgress(p -> log.info("{} rows", p.getRowsDelivered()))
 *     .build();
 * ```
 * A wrapper of the results module's `ResultOptions` (its documentation has the details and the
 * defaults) plus [bufferedBatches], the size of a [BatchIterator]'s queue. Immutable and thread-safe.
 */
public class ReadOptions private constructor(
    /** The results module's options this wraps (Kotlin callers). */
    @get:JvmSynthetic public val resultOptions: ResultOptions,
    /** Batches a [BatchIterator] holds ready ahead of its consumer (default 2). */
    @get:JvmName("bufferedBatches") public val bufferedBatches: Int,
) {
    override fun toString(): String = "ReadOptions(bufferedBatches=$bufferedBatches, $resultOptions)"

    public companion object {
        /** The defaults. */
        @JvmField
        public val DEFAULT: ReadOptions = ReadOptions(ResultOptions(), 2)

        @JvmStatic
        public fun builder(): Builder = Builder()
    }

    /** Collects options for [build]; every setter returns this builder. Not thread-safe. */
    public class Builder internal constructor() {
        private var options = ResultOptions()
        private var buffered = DEFAULT.bufferedBatches
        private var invalid: ConfigurationException? = null

        /** The most downloads in flight at once (default 8); the stream adapts within [minConcurrency]..this. */
        public fun concurrency(downloads: Int): Builder = set { it.copy(concurrency = downloads) }

        /** The fewest downloads the adaptive choice goes down to (default 2); equal to [concurrency] for a fixed number. */
        public fun minConcurrency(downloads: Int): Builder = set { it.copy(minConcurrency = downloads) }

        /** Decompressed bytes one stream may hold, batches not yet closed by the consumer included (default 256 MiB). */
        public fun memoryBudgetBytes(bytes: Long): Builder = set { it.copy(memoryBudgetBytes = bytes) }

        /**
         * The budget this stream shares with other streams (default [SharedMemoryBudget.process]); `null`
         * for none. See [SharedMemoryBudget] for admission and fairness.
         */
        public fun sharedBudget(budget: SharedMemoryBudget?): Builder = set { it.copy(sharedBudget = budget) }

        /** Room of the stream's allocator above the budget (default `max(16 MiB, budget / 8)`). */
        public fun memorySlackBytes(bytes: Long): Builder = set { it.copy(memorySlackBytes = bytes) }

        /** A download link expiring within [margin] is refreshed before use (default 60 s). */
        public fun linkExpiryMargin(margin: Duration): Builder = set { it.copy(linkExpiryMargin = margin.toKotlinDuration()) }

        /** Download attempts per chunk (default 5). */
        public fun maxAttempts(attempts: Int): Builder = set { it.copy(maxAttempts = attempts) }

        /** Backoff between download attempts, from [initial] up to [max] (defaults 200 ms, 10 s). */
        public fun backoff(initial: Duration, max: Duration): Builder =
            set { it.copy(initialBackoff = initial.toKotlinDuration(), maxBackoff = max.toKotlinDuration()) }

        /** A download body silent (no byte) this long fails and is retried (default 30 s); see [ResultOptions.downloadIdleTimeout]. */
        public fun downloadIdleTimeout(timeout: Duration): Builder = set { it.copy(downloadIdleTimeout = timeout.toKotlinDuration()) }

        /** The longest one download of a chunk may take in all (default 10 min); see [ResultOptions.chunkTimeout]. */
        public fun chunkTimeout(timeout: Duration): Builder = set { it.copy(chunkTimeout = timeout.toKotlinDuration()) }

        /**
         * A chunk download that has not answered after `max(after, 4 × the median answer time)` gets
         * a second request; the first answer is read (default 250 ms). `null` turns this off.
         */
        public fun hedgeSlowDownloads(after: Duration?): Builder = set { it.copy(hedgeSlowDownloads = after?.toKotlinDuration()) }

        /** Read a result marked truncated, or whose row counts do not add up, instead of failing. */
        public fun allowTruncated(allow: Boolean): Builder = set { it.copy(allowTruncated = allow) }

        /** Read chunks `start` (inclusive) until `end` (exclusive) only. */
        public fun chunkRange(start: Int, end: Int): Builder = set { it.copy(startChunk = start, endChunk = end) }

        /**
         * The parent of each stream's allocator (default: a process-wide root). The SDK never closes
         * it; after a stream ended and its batches were closed, it holds none of that stream's bytes.
         */
        public fun allocator(allocator: BufferAllocator): Builder = set { it.copy(allocator = allocator) }

        /**
         * Where download bodies are read (blocking) and decoded (default: the SDK's shared pool of
         * `max(8, 2 × cores)` threads). Each download in flight holds one of its threads; never give
         * an executor the HTTP client also runs on. The SDK never shuts [executor] down.
         */
        public fun executor(executor: Executor): Builder = set { it.copy(dispatcher = executor.asCoroutineDispatcher()) }

        /** Rows per batch when converting JSON results (default 65 536). */
        public fun jsonBatchRows(rows: Int): Builder = set { it.copy(jsonBatchRows = rows) }

        /**
         * Called each time a chunk has been fully delivered (on the thread that reads the stream
         * — for a [BatchIterator], its producer); keep it short.
         */
        public fun onProgress(listener: Consumer<ResultProgress>): Builder = set { it.copy(onProgress = { p -> listener.accept(p) }) }

        /** Batches a [BatchIterator] holds ready ahead of its consumer (default 2, at least 1). */
        public fun bufferedBatches(batches: Int): Builder = apply {
            if (batches < 1 && invalid == null) invalid = ConfigurationException("bufferedBatches", "must be at least 1, was $batches")
            buffered = batches
        }

        /**
         * The options.
         * @throws dev.dbsql.core.ConfigurationException naming the first invalid value.
         */
        public fun build(): ReadOptions {
            invalid?.let { throw it }
            return ReadOptions(options, buffered)
        }

        private inline fun set(change: (ResultOptions) -> ResultOptions): Builder = apply {
            if (invalid != null) return@apply
            try {
                options = change(options)
            } catch (e: IllegalArgumentException) {
                invalid = ConfigurationException("readOptions", e.message ?: "invalid value", e)
            }
        }
    }
}
