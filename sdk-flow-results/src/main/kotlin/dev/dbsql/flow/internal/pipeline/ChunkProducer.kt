package dev.dbsql.flow.internal.pipeline

import kotlinx.coroutines.CoroutineScope
import org.apache.arrow.memory.BufferAllocator
import org.apache.arrow.vector.VectorSchemaRoot
import java.time.Duration

/** One unit of work of a result stream: a chunk, or (inline Arrow) the whole inline result. */
internal data class ChunkSpec(
    val index: Int,
    val rowOffset: Long,
    /** Rows the manifest promises for this chunk; null when it does not say. */
    val rowCount: Long?,
    /** Decompressed bytes to reserve before starting it (the manifest's `byte_count`, or an estimate). */
    val reserveBytes: Long,
    /** The chunk after the last one this unit covers (`index + 1` unless it spans several chunks). */
    val endIndex: Int = index + 1,
)

/**
 * Produces the record batches of one chunk. Called by the pipeline on its dispatcher, once per
 * attempt; a retry passes the rows already handed over as `skipRows`.
 */
internal interface ChunkProducer {
    /**
     * Fetches chunk [spec] and hands every batch (after the first [skipRows] rows) to [sink], which
     * takes ownership. Blocking reads must run inside `runInterruptible`.
     * @return rows read, skipped rows included.
     */
    suspend fun produce(
        spec: ChunkSpec,
        attempt: Int,
        skipRows: Long,
        allocator: BufferAllocator,
        sink: (VectorSchemaRoot) -> Unit,
    ): Long

    /** A hint that [spec] was just admitted: start fetching (in [scope]) what later chunks will need. */
    fun admitted(spec: ChunkSpec, scope: CoroutineScope) {}
}

/** A download failed in a way another attempt may fix; [retryAfter] comes from the server when it said. */
internal class RetryableChunkException(
    message: String,
    cause: Throwable? = null,
    val retryAfter: Duration? = null,
) : RuntimeException(message, cause)

/** The link of a chunk was refused as expired; the producer has dropped it, so the next attempt fetches a fresh one. */
internal class LinkExpiredException(message: String) : RuntimeException(message)

/** A chunk held a different number of rows than the manifest promised. */
internal class ChunkRowCountException(val chunkIndex: Int, val expected: Long, val actual: Long) :
    RuntimeException("chunk $chunkIndex held $actual rows, the manifest promised $expected")
