package dev.dbsql.flow.internal.arrow

import org.apache.arrow.memory.BufferAllocator
import org.apache.arrow.vector.FieldVector
import org.apache.arrow.vector.VectorSchemaRoot
import org.apache.arrow.vector.dictionary.DictionaryEncoder
import org.apache.arrow.vector.dictionary.DictionaryProvider
import org.apache.arrow.vector.ipc.ArrowStreamReader
import org.apache.arrow.vector.types.pojo.Schema
import java.io.InputStream
import java.io.PushbackInputStream
import java.nio.ByteBuffer
import java.nio.channels.ReadableByteChannel

/**
 * Decodes a byte stream holding one or more Arrow IPC streams back to back (optionally inside
 * LZ4 frames, possibly several concatenated) into record batches the caller owns.
 *
 * Runs on the calling thread and blocks on [InputStream.read]; nothing is read ahead of the batch
 * being decoded, so a chunk is never held twice (compressed bytes stream through LZ4 into Arrow).
 */
internal object IpcDecoder {

    /**
     * Reads all of [input] (and closes it). The first [skipRows] rows are dropped (used when a
     * retried download resumes inside a chunk). Every other batch is moved into a fresh root
     * allocated from [allocator] and handed to [sink], which then owns it and must close it.
     *
     * Rows from [limitRows] on are not delivered (reading stops there).
     *
     * @return the number of rows read, skipped ones included, at most [limitRows].
     */
    fun decode(
        input: InputStream,
        lz4: Boolean,
        allocator: BufferAllocator,
        skipRows: Long,
        sink: (VectorSchemaRoot) -> Unit,
        limitRows: Long = Long.MAX_VALUE,
    ): Long {
        val source = PushbackInputStream(if (lz4) Lz4FrameReader.open(input) else input, 1)
        var rowsSeen = 0L
        source.use {
            while (rowsSeen < limitRows && hasMore(source)) {
                ArrowStreamReader(NonClosingChannel(source), allocator).use { reader ->
                    val root = reader.vectorSchemaRoot
                    while (rowsSeen < limitRows && reader.loadNextBatch()) {
                        val n = minOf(root.rowCount.toLong(), limitRows - rowsSeen).toInt()
                        if (rowsSeen + n <= skipRows) {
                            rowsSeen += n
                            continue
                        }
                        val from = (skipRows - rowsSeen).coerceAtLeast(0).toInt()
                        rowsSeen += n
                        sink(takeOwned(root, reader, allocator, from, n - from))
                    }
                }
            }
        }
        return rowsSeen
    }

    private fun hasMore(input: PushbackInputStream): Boolean {
        val b = input.read()
        if (b < 0) return false
        input.unread(b)
        return true
    }

    /** Moves rows [from] until [from] + [rows] of the reader's current batch into a root the caller owns. */
    private fun takeOwned(
        root: VectorSchemaRoot,
        dictionaries: DictionaryProvider,
        allocator: BufferAllocator,
        from: Int,
        rows: Int,
    ): VectorSchemaRoot {
        val whole = from == 0 && rows == root.rowCount
        val vectors = root.fieldVectors.map { v ->
            val pair = v.getTransferPair(v.field, allocator)
            if (whole) pair.transfer() else pair.splitAndTransfer(from, rows)
            pair.to as FieldVector
        }
        val decoded = vectors.map { v ->
            val encoding = v.field.dictionary ?: return@map v
            val dictionary = dictionaries.lookup(encoding.id)
                ?: error("Arrow stream refers to dictionary ${encoding.id} it never sent")
            try {
                DictionaryEncoder.decode(v, dictionary, allocator) as FieldVector
            } finally {
                v.close()
            }
        }
        return VectorSchemaRoot(Schema(decoded.map { it.field }, root.schema.customMetadata), decoded, rows)
    }
}

/**
 * A channel over [input] that reads in 64 KiB steps and leaves [input] open on close, so several
 * IPC streams can be read one after another from one byte stream.
 */
private class NonClosingChannel(private val input: InputStream) : ReadableByteChannel {
    private val buffer = ByteArray(64 * 1024)
    private var open = true

    override fun read(dst: ByteBuffer): Int {
        if (!dst.hasRemaining()) return 0
        val n = input.read(buffer, 0, minOf(buffer.size, dst.remaining()))
        if (n > 0) dst.put(buffer, 0, n)
        return n
    }

    override fun isOpen(): Boolean = open

    override fun close() {
        open = false
    }
}
