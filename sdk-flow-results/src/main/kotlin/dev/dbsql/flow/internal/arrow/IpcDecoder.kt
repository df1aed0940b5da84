package dev.dbsql.flow.internal.arrow

import dev.dbsql.core.DatabricksSqlException
import dev.dbsql.core.ProtocolException
import org.apache.arrow.memory.BufferAllocator
import org.apache.arrow.memory.OutOfMemoryException
import org.apache.arrow.vector.FieldVector
import org.apache.arrow.vector.VectorSchemaRoot
import org.apache.arrow.vector.dictionary.DictionaryEncoder
import org.apache.arrow.vector.dictionary.DictionaryProvider
import org.apache.arrow.memory.ArrowBuf
import org.apache.arrow.vector.ipc.ArrowStreamReader
import org.apache.arrow.vector.ipc.ReadChannel
import org.apache.arrow.vector.ipc.message.MessageChannelReader
import org.apache.arrow.vector.ipc.message.MessageResult
import org.apache.arrow.vector.types.pojo.Schema
import org.apache.arrow.vector.validate.ValidateVectorBufferVisitor
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
 *
 * Hostile bytes: every length is checked before anything is allocated ([IpcFraming], and the LZ4
 * reader's block sizes); each decoded batch is validated structurally (buffer sizes, offsets) before
 * it is handed out. A stream that is not valid Arrow fails with [ProtocolException], one that needs
 * more than the allocator's limit with Arrow's `OutOfMemoryException`, one that ends early with an
 * `IOException`.
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
        val source = PushbackInputStream(IpcFraming(if (lz4) Lz4FrameReader.open(input) else input, allocator), 1)
        var rowsSeen = 0L
        source.use {
            while (rowsSeen < limitRows && hasMore(source)) {
                val messages = TrackingMessageReader(ReadChannel(NonClosingChannel(source)), allocator)
                try {
                    ArrowStreamReader(messages, allocator).use { reader ->
                    val root = arrow { reader.vectorSchemaRoot }
                    while (rowsSeen < limitRows && arrow { reader.loadNextBatch() }.also { messages.taken() }) {
                        arrow { validate(root) }
                        val n = minOf(root.rowCount.toLong(), limitRows - rowsSeen).toInt()
                        if (rowsSeen + n <= skipRows) {
                            rowsSeen += n
                            continue
                        }
                        val from = (skipRows - rowsSeen).coerceAtLeast(0).toInt()
                        rowsSeen += n
                        sink(arrow { takeOwned(root, reader, allocator, from, n - from) })
                    }
                    }
                } catch (e: Throwable) {
                    messages.releaseUntaken()
                    throw e
                }
            }
        }
        return rowsSeen
    }

    /**
     * Structural validation of a loaded batch: every vector's buffers are large enough for its
     * value count and its offsets stay inside its data (Arrow's buffer visitor, children included).
     * Not Arrow's type visitor, which rejects valid MAP vectors, nor `validateFull`, which rejects
     * valid DECIMAL data.
     */
    private fun validate(root: VectorSchemaRoot) {
        for (v in root.fieldVectors) {
            if (v.valueCount != root.rowCount) throw ProtocolException("Arrow batch of ${root.rowCount} rows has a column of ${v.valueCount} values")
            v.accept(ValidateVectorBufferVisitor(), null)
        }
    }

    /** Runs Arrow's decoding: its complaints about bytes that are not valid Arrow become [ProtocolException]. */
    private inline fun <T> arrow(block: () -> T): T = try {
        block()
    } catch (e: DatabricksSqlException) {
        throw e
    } catch (e: OutOfMemoryException) {
        throw e
    } catch (e: RuntimeException) {
        throw ProtocolException("result chunk is not a valid Arrow IPC stream: ${e::class.simpleName}: ${e.message?.take(200)}", e)
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
 * Remembers the body of the message read last until the reader took it over ([taken]), so that a
 * body Arrow's reader failed on before taking it over (a record batch header that does not fit its
 * body) is released instead of staying in the allocator.
 */
private class TrackingMessageReader(channel: ReadChannel, allocator: BufferAllocator) : MessageChannelReader(channel, allocator) {
    private var pending: ArrowBuf? = null

    override fun readNext(): MessageResult? {
        pending = null
        return super.readNext()?.also { r -> pending = r.bodyBuffer }
    }

    /** The reader loaded the batch: its buffers are the reader's to release. */
    fun taken() {
        pending = null
    }

    /** After the reader failed and was closed: releases a body it never took over. */
    fun releaseUntaken() {
        val b = pending ?: return
        pending = null
        val left = b.refCnt()
        if (left > 0) b.referenceManager.release(left)
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
