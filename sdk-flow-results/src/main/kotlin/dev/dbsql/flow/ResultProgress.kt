package dev.dbsql.flow

import dev.dbsql.core.StatementHandle
import kotlinx.serialization.Serializable

/**
 * How far a result stream has delivered: every chunk before [nextChunk] reached the collector
 * (the collector returned for its last batch). A stream reports it through
 * [ResultOptions.onProgress] after each chunk; store it (e.g. with [withResultProgress] in the
 * statement's handle) to resume later, in this process or another, at [nextChunk].
 *
 * @property endChunk the chunk after the last one this stream reads.
 * @property rowsDelivered rows delivered by this stream so far.
 * @property heldBytes decompressed bytes the stream holds right now (chunks in flight and batches
 *   not yet closed), as counted against [ResultOptions.memoryBudgetBytes].
 * @property peakHeldBytes the most bytes the stream has held at once so far (same counting).
 * @property concurrency how many downloads the stream lets run at once right now (its adaptive
 *   choice within [ResultOptions.minConcurrency]..[ResultOptions.concurrency]); 0 when it downloads nothing.
 */
@Serializable
public data class ResultProgress(
    val statementId: String,
    val nextChunk: Int,
    val endChunk: Int,
    val rowsDelivered: Long,
    val heldBytes: Long = 0,
    val peakHeldBytes: Long = 0,
    val concurrency: Int = 0,
) {
    /** True when every chunk of the stream's range was delivered. */
    val isComplete: Boolean get() = nextChunk >= endChunk
}

/** The key of the next chunk to read in [StatementHandle.progress]. */
public const val NEXT_CHUNK_PROGRESS_KEY: String = "results.next_chunk"

/** A copy of this handle that records [progress] (the next chunk to read). */
public fun StatementHandle.withResultProgress(progress: ResultProgress): StatementHandle =
    withProgress(NEXT_CHUNK_PROGRESS_KEY, progress.nextChunk.toString())

/** The next chunk to read as recorded by [withResultProgress]; 0 when nothing was recorded. */
public val StatementHandle.nextResultChunk: Int
    get() = progress[NEXT_CHUNK_PROGRESS_KEY]?.toIntOrNull() ?: 0
