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
import java.io.InputStream

/**
 * Reads a JSON_ARRAY chunk file (one JSON array of row arrays, as external links deliver it) as a
 * stream — rows are parsed lazily, [batchRows] at a time — and converts each batch to Arrow.
 * Blocks on the input; run it on a thread that may block.
 */
internal class JsonStreamDecoder(private val converter: JsonArrowConverter, private val batchRows: Int) {
    private val rowSerializer = ListSerializer(String.serializer().nullable)

    /** @return rows read, skipped ones included. */
    @OptIn(ExperimentalSerializationApi::class)
    fun decode(input: InputStream, lz4: Boolean, allocator: BufferAllocator, skipRows: Long, sink: (VectorSchemaRoot) -> Unit): Long {
        val source = if (lz4) Lz4FrameReader.open(input) else input
        var read = 0L
        source.use {
            val rows = Json.decodeToSequence(source, rowSerializer, DecodeSequenceMode.ARRAY_WRAPPED).iterator()
            val batch = ArrayList<List<String?>>(minOf(batchRows, 4096))
            while (rows.hasNext()) {
                val row = rows.next()
                if (read++ < skipRows) continue
                batch += row
                if (batch.size == batchRows) {
                    sink(converter.convert(batch.size, allocator) { batch[it] })
                    batch.clear()
                }
            }
            if (batch.isNotEmpty()) sink(converter.convert(batch.size, allocator) { batch[it] })
        }
        return read
    }
}
