package dev.dbsql.flow.internal

import dev.dbsql.core.DatabricksSqlException
import dev.dbsql.core.ProtocolException
import dev.dbsql.flow.ChunkDownloadException
import dev.dbsql.flow.IncompleteResultException
import dev.dbsql.flow.ResultMemoryException
import dev.dbsql.flow.internal.json.CellFormatException
import dev.dbsql.flow.internal.pipeline.ByteBudget
import dev.dbsql.flow.internal.pipeline.ChunkRowCountException
import dev.dbsql.flow.internal.pipeline.ChunkSpec
import dev.dbsql.flow.internal.pipeline.FailurePolicy
import org.apache.arrow.memory.OutOfMemoryException

/**
 * Which pipeline failures are retried and what the caller sees. Errors from the core are already
 * retried there (chunk-link fetches) and pass through unchanged; network, HTTP and decoding
 * failures of a download are retried; bad cell values and exhausted memory are not.
 */
internal class FlowFailures(
    private val statementId: String,
    private val budget: () -> ByteBudget?,
    private val limitBytes: Long,
) : FailurePolicy {

    override fun isRetryable(e: Throwable): Boolean = when (e) {
        is DatabricksSqlException, is CellFormatException, is OutOfMemoryException, is Error -> false
        else -> true
    }

    override fun permanent(e: Throwable): Throwable = when (e) {
        is DatabricksSqlException -> e
        is CellFormatException -> ProtocolException("result data does not match its manifest: ${e.message}", e, statementId)
        is OutOfMemoryException -> memory(e)
        else -> e
    }

    override fun exhausted(spec: ChunkSpec, attempts: Int, last: Throwable): Throwable = ChunkDownloadException(
        "chunk ${spec.index} of statement $statementId could not be downloaded in $attempts attempts: $last",
        last, statementId, spec.index, attempts,
    )

    override fun incomplete(e: ChunkRowCountException): Throwable = IncompleteResultException(
        "statement $statementId: ${e.message}", statementId, e.chunkIndex, e.expected, e.actual,
    )

    private fun memory(e: OutOfMemoryException): Throwable {
        val held = budget()?.usedBytes
        return ResultMemoryException(
            "the result stream of statement $statementId needs more than its allocator limit of $limitBytes bytes " +
                "(budget plus slack; ${held ?: "?"} bytes held by chunks in flight and batches not yet closed). " +
                "Close each RecordBatch after use, or raise ResultOptions.memoryBudgetBytes.",
            e, statementId,
        )
    }
}
