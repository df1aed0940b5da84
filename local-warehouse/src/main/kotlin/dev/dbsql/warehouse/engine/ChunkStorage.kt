package dev.dbsql.warehouse.engine

import java.io.ByteArrayInputStream
import java.io.InputStream
import java.io.OutputStream
import java.nio.ByteBuffer
import java.nio.channels.FileChannel
import java.nio.channels.WritableByteChannel
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.StandardOpenOption
import java.util.concurrent.atomic.AtomicLong

/** How many bytes one result may keep on the heap before its chunks go to files. */
internal class MemoryBudget(private var remaining: Long) {
    @Synchronized
    fun take(n: Long): Boolean = if (n <= remaining) { remaining -= n; true } else false
}

/** A growable heap buffer written through a channel (one copy per write). */
internal class HeapChannel(initial: Int = 1 shl 20) : WritableByteChannel {
    var bytes = ByteArray(initial)
        private set
    var size = 0
        private set

    override fun write(src: ByteBuffer): Int {
        val n = src.remaining()
        if (size + n > bytes.size) bytes = bytes.copyOf(maxOf(size + n, minOf(bytes.size * 2L, Int.MAX_VALUE - 16L).toInt()))
        src.get(bytes, size, n)
        size += n
        return n
    }

    override fun isOpen(): Boolean = true
    override fun close() {}
}

/**
 * The stored bytes of one chunk: on the heap while the result's [MemoryBudget] allows, then in a
 * file under the spill directory. Written once by the engine thread, then read by any number of
 * [open] streams; [delete] frees it.
 */
internal class ChunkBuffer(private val dir: Path, private val name: String, private val budget: MemoryBudget) : WritableByteChannel {
    private var mem = ByteArray(0)
    private var memSize = 0
    private var file: FileChannel? = null
    private var path: Path? = null
    @Volatile private var open = true
    var size: Long = 0
        private set

    override fun write(src: ByteBuffer): Int {
        val n = src.remaining()
        val f = file
        if (f != null) {
            while (src.hasRemaining()) f.write(src)
        } else if (budget.take(n.toLong())) {
            if (memSize + n > mem.size) mem = mem.copyOf(maxOf(memSize + n, minOf(mem.size * 2L, Int.MAX_VALUE - 16L).toInt(), 4096))
            src.get(mem, memSize, n)
            memSize += n
        } else {
            val p = dir.resolve(name)
            val ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)
            path = p; file = ch
            ch.write(ByteBuffer.wrap(mem, 0, memSize))
            mem = ByteArray(0); memSize = 0
            while (src.hasRemaining()) ch.write(src)
        }
        size += n
        return n
    }

    override fun isOpen(): Boolean = open

    /** Ends writing. */
    override fun close() {
        open = false
        file?.close()
        file = null
    }

    fun openStream(): InputStream = path?.let { Files.newInputStream(it) } ?: ByteArrayInputStream(mem, 0, memSize)

    fun delete() {
        close()
        path?.let { Files.deleteIfExists(it) }
        mem = ByteArray(0); memSize = 0
    }
}

/** A [WritableByteChannel] over an [OutputStream] that copies direct buffers through one large scratch array. */
internal class StreamChannel(private val out: OutputStream) : WritableByteChannel {
    private val scratch = ByteArray(1 shl 20)
    private var open = true

    override fun write(src: ByteBuffer): Int {
        val n = src.remaining()
        if (src.hasArray()) {
            out.write(src.array(), src.arrayOffset() + src.position(), n)
            src.position(src.limit())
        } else {
            while (src.hasRemaining()) {
                val k = minOf(scratch.size, src.remaining())
                src.get(scratch, 0, k)
                out.write(scratch, 0, k)
            }
        }
        return n
    }

    override fun isOpen(): Boolean = open
    override fun close() { open = false; out.close() }
}

/** An [OutputStream] onto a [WritableByteChannel] that counts bytes. */
internal class CountingOutputStream(private val ch: WritableByteChannel) : OutputStream() {
    var count: Long = 0
        private set

    override fun write(b: Int) { write(byteArrayOf(b.toByte()), 0, 1) }
    override fun write(b: ByteArray, off: Int, len: Int) {
        val bb = ByteBuffer.wrap(b, off, len)
        while (bb.hasRemaining()) ch.write(bb)
        count += len
    }
    override fun close() { ch.close() }
}

internal class StoredResultImpl(
    override val columns: List<ColumnDesc>,
    override val format: ResultFormat,
    override val lz4: Boolean,
    override val chunks: List<StoredChunk>,
    override val totalRows: Long,
    override val truncated: Boolean,
    private val buffers: List<ChunkBuffer>,
    private val onClose: () -> Unit = {},
) : StoredResult {
    override val totalBytes: Long = chunks.sumOf { it.byteCount }
    private val closed = java.util.concurrent.atomic.AtomicBoolean(false)

    override fun openChunk(index: Int): InputStream {
        check(!closed.get()) { "result is closed" }
        require(index in buffers.indices) { "chunk $index out of range 0..${buffers.size - 1}" }
        return buffers[index].openStream()
    }

    override fun close() {
        if (closed.compareAndSet(false, true)) {
            buffers.forEach { it.delete() }
            onClose()
        }
    }

    companion object {
        private val ids = AtomicLong()
        fun nextId(): Long = ids.incrementAndGet()

        fun empty(columns: List<ColumnDesc>, format: ResultFormat, lz4: Boolean): StoredResultImpl =
            StoredResultImpl(columns, format, lz4, emptyList(), 0, false, emptyList())
    }
}
