package dev.dbsql.flow.internal.json

import kotlinx.serialization.ExperimentalSerializationApi
import kotlinx.serialization.builtins.ListSerializer
import kotlinx.serialization.builtins.nullable
import kotlinx.serialization.builtins.serializer
import kotlinx.serialization.json.DecodeSequenceMode
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.decodeToSequence
import dev.dbsql.flow.internal.arrow.Lz4FrameReader
import org.apache.arrow.memory.BufferAllocator
import org.apache.arrow.vector.VectorSchemaRoot
import dev.dbsql.core.ProtocolException
import kotlinx.serialization.SerializationException
import org.apache.arrow.memory.OutOfMemoryException
import java.io.FilterInputStream
import java.io.InputStream

/**
 * Reads a JSON_ARRAY chunk file (one JSON array of row arrays, as external links deliver it) as a
 * stream — rows are parsed lazily, [batchRows] at a time — and converts each batch to Arrow.
 * Blocks on the input; run it on a thread that may block.
 *
 * Rows of a batch are held as text until the batch is converted: the bytes read for one batch are
 * bounded by [allocator]'s limit (the stream's memory budget), beyond it Arrow's
 * `OutOfMemoryException` is thrown; text that is not rows of JSON is a [ProtocolException].
 */
internal class JsonStreamDecoder(private val converter: JsonArrowConverter, private val batchRows: Int) {
    private val rowSerializer = ListSerializer(String.serializer().nullable)

    /** @return rows read, skipped ones included. */
    @OptIn(ExperimentalSerializationApi::class)
    fun decode(input: InputStream, lz4: Boolean, allocator: BufferAllocator, skipRows: Long, sink: (VectorSchemaRoot) -> Unit): Long {
        val source = BatchBytes(if (lz4) Lz4FrameReader.open(input) else input, allocator.limit)
        var read = 0L
        source.use {
            val rows = Json.decodeToSequence(source, rowSerializer, DecodeSequenceMode.ARRAY_WRAPPED).iterator()
            val batch = ArrayList<List<String?>>(minOf(batchRows, 4096))
            while (json { rows.hasNext() }) {
                val row = json { rows.next() }
                if (read++ < skipRows) {
                    source.mark = source.count
                    continue
                }
                batch += row
                if (batch.size == batchRows) {
                    sink(converter.convert(batch.size, allocator) { batch[it] })
                    batch.clear()
                    source.mark = source.count
                }
            }
            if (batch.isNotEmpty()) sink(converter.convert(batch.size, allocator) { batch[it] })
        }
        return read
    }

    private inline fun <T> json(block: () -> T): T = try {
        block()
    } catch (e: SerializationException) {
        throw ProtocolException("result chunk is not a JSON array of rows: ${e.message?.take(200)}", null)
    }

    /** Counts bytes; more than [limit] since [mark] is Arrow's `OutOfMemoryException` (the budget). */
    private class BatchBytes(input: InputStream, private val limit: Long) : FilterInputStream(input) {
        var count = 0L
        var mark = 0L

        override fun read(): Int = super.read().also { if (it >= 0) add(1) }

        override fun read(b: ByteArray, off: Int, len: Int): Int = super.read(b, off, len).also { if (it > 0) add(it) }

        private fun add(n: Int) {
            count += n
            if (count - mark > limit) {
                throw OutOfMemoryException("JSON rows of more than $limit bytes (the stream's allocator limit) without a batch boundary")
            }
        }
    }
}
