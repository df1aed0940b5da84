package dev.dbsql.warehouse.engine

import net.jpountz.lz4.LZ4FrameOutputStream
import org.apache.arrow.vector.VectorSchemaRoot
import org.apache.arrow.vector.VectorUnloader
import org.apache.arrow.vector.ipc.ArrowStreamWriter
import org.apache.arrow.vector.ipc.WriteChannel
import org.apache.arrow.vector.ipc.message.IpcOption
import org.apache.arrow.vector.ipc.message.MessageSerializer
import org.apache.arrow.vector.types.pojo.Schema
import java.io.BufferedOutputStream
import java.io.OutputStream
import java.nio.channels.WritableByteChannel
import java.util.concurrent.ExecutionException
import java.util.concurrent.ExecutorService
import java.util.concurrent.Future

/** Writes row ranges of batches into one chunk at a time, in one wire format. Engine thread only. */
internal interface FormatWriter {
    fun startChunk(target: WritableByteChannel)
    fun write(batch: VectorSchemaRoot, from: Int, count: Int)
    /** Uncompressed bytes of the open chunk so far (approximate until [finishChunk]). */
    val chunkBytes: Long
    /** Ends the open chunk and closes its target; returns its exact uncompressed size. */
    fun finishChunk(): Long
    /** Waits until every finished chunk is fully stored (compression may run in the background). */
    fun awaitAll() {}
    /** Closes an open chunk's target after a failure and waits for background work. */
    fun abort()
}

/**
 * One Arrow IPC stream per chunk. Without LZ4 the stream goes straight to the chunk's storage.
 * With LZ4 it is staged on the heap and compressed into an LZ4 frame on [pool] while the next
 * chunk is built; at most [parallel] chunks compress at once. [awaitAll] (or [abort]) waits for them.
 */
internal class ArrowFormatWriter(
    private val schema: () -> Schema,
    private val lz4: Boolean,
    private val pool: ExecutorService,
    private val parallel: Int = 2,
    /** Stage chunks on the heap for background compression only when chunks are at most this big. */
    private val stageChunks: Boolean = true,
) : FormatWriter {
    private var channel: WriteChannel? = null
    private var target: WritableByteChannel? = null
    private var staging: HeapChannel? = null
    private val pending = ArrayDeque<Future<*>>()
    private val option = IpcOption.DEFAULT

    override fun startChunk(target: WritableByteChannel) {
        val ch = when {
            !lz4 -> target
            stageChunks -> HeapChannel().also { staging = it }
            else -> StreamChannel(LZ4FrameOutputStream(CountingOutputStream(target), LZ4FrameOutputStream.BLOCKSIZE.SIZE_4MB))
        }
        this.target = if (lz4 && !stageChunks) ch else target
        channel = WriteChannel(ch).also { MessageSerializer.serialize(it, schema(), option) }
    }

    override fun write(batch: VectorSchemaRoot, from: Int, count: Int) {
        if (count == 0) return
        val ch = channel!!
        if (from == 0 && count == batch.rowCount) unload(batch, ch)
        else batch.slice(from, count).use { unload(it, ch) }
    }

    private fun unload(root: VectorSchemaRoot, ch: WriteChannel) {
        VectorUnloader(root).recordBatch.use { MessageSerializer.serialize(ch, it, option) }
    }

    override val chunkBytes: Long get() = channel?.currentPosition ?: 0

    override fun finishChunk(): Long {
        val ch = channel!!
        ArrowStreamWriter.writeEndOfStream(ch, option)
        val n = ch.currentPosition
        val t = target!!
        val stage = staging
        channel = null; target = null; staging = null
        if (stage == null) {
            t.close()
        } else {
            while (pending.size >= parallel) pending.removeFirst().get()
            pending.addLast(pool.submit {
                LZ4FrameOutputStream(CountingOutputStream(t), LZ4FrameOutputStream.BLOCKSIZE.SIZE_4MB).use { it.write(stage.bytes, 0, stage.size) }
            })
        }
        return n
    }

    override fun awaitAll() {
        try {
            while (pending.isNotEmpty()) pending.first().get().also { pending.removeFirst() }
        } catch (e: ExecutionException) {
            throw e.cause ?: e
        }
    }

    override fun abort() {
        runCatching { target?.close() }
        channel = null; target = null; staging = null
        while (pending.isNotEmpty()) runCatching { pending.removeFirst().get() }
    }
}

/** Text formats: a row at a time into a UTF-8 buffer. */
internal abstract class TextFormatWriter(protected val cells: CellText) : FormatWriter {
    private var out: OutputStream? = null
    private var written = 0L
    protected val sb = StringBuilder(1 shl 16)
    protected var rowsInChunk = 0L
    protected var chunkIndex = -1

    override fun startChunk(target: WritableByteChannel) {
        out = BufferedOutputStream(CountingOutputStream(target), 1 shl 16)
        written = 0; rowsInChunk = 0; chunkIndex++
        sb.setLength(0)
        begin()
    }

    protected abstract fun begin()
    protected abstract fun row(batch: VectorSchemaRoot, i: Int)
    protected abstract fun end()

    override fun write(batch: VectorSchemaRoot, from: Int, count: Int) {
        for (i in from until from + count) {
            row(batch, i)
            rowsInChunk++
            if (sb.length >= 1 shl 16) flush()
        }
    }

    private fun flush() {
        val bytes = sb.toString().toByteArray(Charsets.UTF_8)
        out!!.write(bytes)
        written += bytes.size
        sb.setLength(0)
    }

    override val chunkBytes: Long get() = written + sb.length

    override fun finishChunk(): Long {
        end()
        flush()
        out!!.close()
        out = null
        return written
    }

    override fun abort() {
        runCatching { out?.close() }
        out = null
    }
}

internal class JsonFormatWriter(cells: CellText) : TextFormatWriter(cells) {
    override fun begin() { sb.append('[') }
    override fun end() { sb.append(']') }
    override fun row(batch: VectorSchemaRoot, i: Int) {
        if (rowsInChunk > 0) sb.append(',')
        sb.append('[')
        for (c in 0 until batch.fieldVectors.size) {
            if (c > 0) sb.append(',')
            val t = cells.text(batch.getVector(c), i)
            if (t == null) sb.append("null") else Json.quote(t, sb)
        }
        sb.append(']')
    }
}

/** RFC-4180 CSV: CRLF line ends, fields quoted when needed, NULL as the text `null`, header in chunk 0. */
internal class CsvFormatWriter(cells: CellText, private val header: List<String>) : TextFormatWriter(cells) {
    override fun begin() {
        if (chunkIndex == 0) { header.forEachIndexed { c, h -> if (c > 0) sb.append(','); field(h) }; sb.append("\r\n") }
    }
    override fun end() {}
    override fun row(batch: VectorSchemaRoot, i: Int) {
        for (c in 0 until batch.fieldVectors.size) {
            if (c > 0) sb.append(',')
            field(cells.text(batch.getVector(c), i) ?: "null")
        }
        sb.append("\r\n")
    }

    private fun field(s: String) {
        if (s.any { it == ',' || it == '"' || it == '\n' || it == '\r' }) sb.append('"').append(s.replace("\"", "\"\"")).append('"')
        else sb.append(s)
    }
}
