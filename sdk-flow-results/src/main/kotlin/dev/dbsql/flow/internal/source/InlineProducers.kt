
package dev.dbsql.flow.internal.source

import dev.dbsql.core.ProtocolException
import dev.dbsql.core.internal.ResultData
import dev.dbsql.flow.internal.arrow.IpcDecoder
import dev.dbsql.flow.internal.json.JsonArrowConverter
import dev.dbsql.flow.internal.pipeline.ChunkProducer
import dev.dbsql.flow.internal.pipeline.ChunkSpec
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.ensureActive
import kotlinx.coroutines.runInterruptible
import org.apache.arrow.memory.BufferAllocator
import org.apache.arrow.vector.VectorSchemaRoot
import java.io.ByteArrayInputStream
import java.io.InputStream
import java.io.SequenceInputStream
import java.util.Collections

/**
 * Inline JSON_ARRAY chunks: the first from the statement response, the others from
 * `GET …/result/chunks/{i}`, each converted to Arrow in batches of [batchRows] rows.
 */
internal class InlineJsonProducer(
    private val statementId: String,
    private val fetch: suspend (Int) -> ResultData,
    private val initial: ResultData?,
    private val converter: JsonArrowConverter,
    private val batchRows: Int,
) : ChunkProducer {

    override suspend fun produce(
        spec: ChunkSpec,
        attempt: Int,
        skipRows: Long,
        allocator: BufferAllocator,
        sink: (VectorSchemaRoot) -> Unit,
    ): Long {
        val data = initial?.takeIf { attempt == 0 && (it.chunkIndex ?: 0) == spec.index && it.dataArray != null }
            ?: fetch(spec.index)
        if (data.chunkIndex != null && data.chunkIndex != spec.index) {
            throw ProtocolException("asked for chunk ${spec.index}, the server sent chunk ${data.chunkIndex}", null, statementId)
        }
        val rows = data.dataArray ?: emptyList()
        var from = skipRows.toInt()
        while (from < rows.size) {
            currentCoroutineContext().ensureActive()
            val start = from
            val n = minOf(batchRows, rows.size - start)
            sink(converter.convert(n, allocator) { rows[start + it] })
            from += n
        }
        return rows.size.toLong()
    }
}

/**
 * An inline Arrow result (hybrid disposition, small result): the attachments of all its chunks,
 * concatenated, form the IPC stream(s) — consecutive slices of one stream, or one stream each; both
 * read the same. So the whole inline result is one unit of work; [firstRow] and [rowCount] select
 * the rows of the chunks the stream reads.
 */
internal class InlineArrowProducer(
    private val statementId: String,
    private val fetch: suspend (Int) -> ResultData,
    private val initial: ResultData?,
    private val chunkCount: Int,
    private val lz4: Boolean,
    private val firstRow: Long,
    private val rowCount: Long,
) : ChunkProducer {

    override suspend fun produce(
        spec: ChunkSpec,
        attempt: Int,
        skipRows: Long,
        allocator: BufferAllocator,
        sink: (VectorSchemaRoot) -> Unit,
    ): Long {
        val parts = ArrayList<InputStream>(chunkCount)
        for (i in 0 until chunkCount) {
            val data = initial?.takeIf { i == 0 && (it.chunkIndex ?: 0) == 0 && it.attachment != null } ?: fetch(i)
            val bytes = data.attachment
                ?: throw ProtocolException("inline Arrow chunk $i carries no attachment", null, statementId)
            parts += ByteArrayInputStream(bytes)
        }
        val input = SequenceInputStream(Collections.enumeration(parts))
        val read = runInterruptible {
            IpcDecoder.decode(input, lz4, allocator, firstRow + skipRows, sink, limitRows = firstRow + rowCount)
        }
        return (read - firstRow).coerceAtLeast(0)
    }
}
