package dev.dbsql.flow

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.asCoroutineDispatcher
import org.apache.arrow.memory.BufferAllocator
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.minutes
import kotlin.time.Duration.Companion.seconds

/**
 * How a result is read. The defaults suit a JVM service streaming large results.
 *
 * @property concurrency the most downloads in flight at once (external links). The stream adapts
 *   the number between [minConcurrency] and this: it grows while throughput rises, shrinks when the
 *   memory budget is what the downloads wait for or when download times double without a gain;
 *   [ResultProgress.concurrency] reports the current choice. It starts at `min(4, concurrency)`.
 * @property minConcurrency the fewest downloads the adaptive choice goes down to (capped at
 *   [concurrency]); set it equal to [concurrency] for a fixed number.
 * @property memoryBudgetBytes decompressed bytes a stream may hold: chunks being downloaded,
 *   decoded batches waiting for the consumer, and batches the consumer has not closed yet. A chunk
 *   is started only when its size (the manifest's `byte_count`) fits; the chunk the consumer waits
 *   for always starts.
 * @property memorySlackBytes extra room of the stream's allocator above the budget (for Arrow
 *   rounding and a chunk that turns out larger than announced); null means
 *   `max(16 MiB, memoryBudgetBytes / 8)`. The allocator's hard limit is budget + slack.
 * @property linkExpiryMargin a download link that expires within this margin is refreshed before use.
 * @property linkPrefetch how many chunks ahead of the downloads links are fetched.
 * @property maxAttempts download attempts per chunk (network errors, truncated bodies, 5xx/429).
 * @property maxLinkRefreshes per chunk, how often an expired-link answer (HTTP 403) is met with a fresh link.
 * @property initialBackoff / [maxBackoff] the wait between attempts: exponential with jitter, or
 *   the download's `Retry-After` (capped at [maxBackoff]).
 * @property downloadIdleTimeout a chunk download whose body delivers no byte for this long fails
 *   (and is retried, see [maxAttempts]); a slow body that keeps delivering bytes is never cut by it.
 *   Also the longest wait for a download's response headers.
 * @property chunkTimeout the longest one download of a chunk may take in all (redirects, response
 *   and body); it then fails and is retried (see [maxAttempts]). The client's `timeouts.request` does
 *   not apply to downloads.
 * @property hedgeSlowDownloads a chunk download whose response has not started after
 *   `max(this, 4 × the median response time of the stream's earlier downloads)` gets a second,
 *   parallel request; the first response is read and the other request cancelled (a straggler then
 *   costs about this long instead of its whole stall). null turns this off.
 * @property allowTruncated read a result whose manifest says `truncated`, or whose row counts do
 *   not add up, instead of failing with [IncompleteResultException].
 * @property startChunk the first chunk to read (resume; see [ResultProgress]).
 * @property endChunk the chunk after the last one to read (exclusive); null reads to the end.
 * @property allocator the parent of each stream's allocator; null uses a process-wide root allocator.
 *   A given allocator is never closed by the SDK.
 * @property dispatcher where downloads, decompression, decoding and JSON conversion run; a download
 *   body is read there with blocking reads, so each download in flight holds one of its threads.
 *   Default: [sharedDispatcher]. Never give a dispatcher whose threads the HTTP client needs too
 *   (such as `Dispatchers.IO`, which ktor's engine uses): with enough streams every thread would
 *   wait for bytes only the HTTP client can deliver. The consumer's code always runs in the
 *   collector's context.
 * @property jsonBatchRows rows per [RecordBatch] when converting JSON_ARRAY data.
 * @property onProgress called in the collector's coroutine each time a chunk has been fully
 *   delivered (the collector returned for its last batch); see [ResultProgress].
 * @property sharedBudget the budget this stream shares with others (see [SharedMemoryBudget]):
 *   [SharedMemoryBudget.process] by default, so many streams in one process together hold at most
 *   its limit; give one per client or per tenant to split them, or null for none (each stream then
 *   bounded by [memoryBudgetBytes] alone).
 */
public data class ResultOptions(
    val concurrency: Int = 8,
    val memoryBudgetBytes: Long = 256L * 1024 * 1024,
    val memorySlackBytes: Long? = null,
    val linkExpiryMargin: Duration = 60.seconds,
    val linkPrefetch: Int = 32,
    val maxAttempts: Int = 5,
    val maxLinkRefreshes: Int = 5,
    val initialBackoff: Duration = 200.milliseconds,
    val maxBackoff: Duration = 10.seconds,
    val downloadIdleTimeout: Duration = 30.seconds,
    val chunkTimeout: Duration = 10.minutes,
    val hedgeSlowDownloads: Duration? = 250.milliseconds,
    val allowTruncated: Boolean = false,
    val startChunk: Int = 0,
    val endChunk: Int? = null,
    val allocator: BufferAllocator? = null,
    val dispatcher: CoroutineDispatcher = sharedDispatcher,
    val jsonBatchRows: Int = 65_536,
    val onProgress: (suspend (ResultProgress) -> Unit)? = null,
    val sharedBudget: SharedMemoryBudget? = SharedMemoryBudget.process,
    val minConcurrency: Int = 2,
) {
    init {
        require(concurrency in 1..256) { "concurrency must be in 1..256, was $concurrency" }
        require(minConcurrency >= 1) { "minConcurrency must be at least 1, was $minConcurrency" }
        require(memoryBudgetBytes >= 1024 * 1024) { "memoryBudgetBytes must be at least 1 MiB, was $memoryBudgetBytes" }
        require(memorySlackBytes == null || memorySlackBytes >= 0) { "memorySlackBytes must not be negative" }
        require(!linkExpiryMargin.isNegative()) { "linkExpiryMargin must not be negative" }
        require(linkPrefetch >= 0) { "linkPrefetch must not be negative" }
        require(maxAttempts >= 1) { "maxAttempts must be at least 1" }
        require(maxLinkRefreshes >= 0) { "maxLinkRefreshes must not be negative" }
        require(startChunk >= 0) { "startChunk must not be negative" }
        require(endChunk == null || endChunk >= startChunk) { "endChunk must not be before startChunk" }
        require(jsonBatchRows >= 1) { "jsonBatchRows must be at least 1" }
        require(downloadIdleTimeout.isPositive() && downloadIdleTimeout.isFinite()) { "downloadIdleTimeout must be positive and finite" }
        require(chunkTimeout.isPositive() && chunkTimeout.isFinite()) { "chunkTimeout must be positive and finite" }
        require(hedgeSlowDownloads == null || hedgeSlowDownloads.isPositive()) { "hedgeSlowDownloads must be positive (or null)" }
    }

    public companion object {
        private val threads = java.util.concurrent.atomic.AtomicInteger()

        /**
         * The default [dispatcher]: one process-wide pool of `max(8, 2 × cores)` daemon threads named
         * `dbsql-results-N`, created on first use and never shut down. All streams share it, so the
         * number of threads stays the same however many results are read at once; downloads beyond
         * its size wait for a thread (their bytes wait in the socket).
         */
        public val sharedDispatcher: CoroutineDispatcher by lazy {
            val size = maxOf(8, 2 * Runtime.getRuntime().availableProcessors())
            java.util.concurrent.Executors.newFixedThreadPool(size) { r ->
                Thread(r, "dbsql-results-${threads.incrementAndGet()}").apply { isDaemon = true }
            }.asCoroutineDispatcher()
        }
    }

    /** The slack actually used: [memorySlackBytes] or its default. */
    val effectiveSlackBytes: Long get() = memorySlackBytes ?: maxOf(16L * 1024 * 1024, memoryBudgetBytes / 8)
}
