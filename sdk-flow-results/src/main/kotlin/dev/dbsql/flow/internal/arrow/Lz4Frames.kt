package dev.dbsql.flow.internal.arrow

import net.jpountz.lz4.LZ4Factory
import net.jpountz.lz4.LZ4FrameInputStream
import net.jpountz.xxhash.XXHashFactory
import java.io.ByteArrayInputStream
import java.io.EOFException
import java.io.IOException
import java.io.InputStream
import java.io.SequenceInputStream
import java.util.concurrent.ConcurrentLinkedQueue

/**
 * Reads LZ4 frames (one or more back to back, skippable frames skipped) with independent blocks,
 * decompressing block by block into buffers taken from a small process-wide pool and given back on
 * [close]. `LZ4FrameInputStream` allocates two block-size arrays (8 MiB for the usual 4 MiB blocks)
 * per stream: one per chunk, one even for a one-row inline result. Block and content checksums are
 * verified when the frame carries them; a frame with dependent blocks is handed to
 * `LZ4FrameInputStream`. The LZ4 codec itself is lz4-java's. Every size read from the stream is
 * bounded by the frame's block size (at most 4 MiB); corrupt data is an `IOException`.
 *
 * Not thread-safe: one reader per stream, as any `InputStream`.
 */
internal class Lz4FrameReader private constructor(private val input: InputStream) : InputStream() {
    private var buffers: Buffers? = pool.poll() ?: Buffers()
    private var out = buffers!!.out
    private var outPos = 0
    private var outLen = 0
    private var blockChecksum = false
    private var contentHash: net.jpountz.xxhash.StreamingXXHash32? = null
    private var inFrame = false
    private var done = false
    private var fallback: InputStream? = null
    private val header = ByteArray(15)

    override fun read(): Int {
        val one = ByteArray(1)
        return if (read(one, 0, 1) < 0) -1 else one[0].toInt() and 0xFF
    }

    override fun read(b: ByteArray, off: Int, len: Int): Int = try {
        readDecoded(b, off, len)
    } catch (e: IOException) {
        throw e
    } catch (e: RuntimeException) {
        // lz4-java's LZ4Exception and the like on corrupt blocks: a bad transfer, like a checksum mismatch
        throw IOException("corrupt LZ4 data: ${e::class.simpleName}: ${e.message?.take(200)}", e)
    }

    private fun readDecoded(b: ByteArray, off: Int, len: Int): Int {
        fallback?.let { return it.read(b, off, len) }
        if (buffers == null) throw IOException("LZ4 reader closed")
        if (len == 0) return 0
        while (outPos == outLen) {
            if (!nextBlock()) return fallback?.read(b, off, len) ?: -1
        }
        val n = minOf(len, outLen - outPos)
        System.arraycopy(out, outPos, b, off, n)
        outPos += n
        return n
    }

    override fun available(): Int = fallback?.available() ?: (outLen - outPos)

    override fun close() {
        buffers?.let { if (pool.size < POOL_MAX) pool.offer(it) }
        buffers = null
        fallback?.close()
        input.close()
    }

    /** Fills [out] with the next block's bytes; false at the end of the input. */
    private fun nextBlock(): Boolean {
        if (done) return false
        if (!inFrame && !startFrame()) return false
        if (fallback != null) return false
        val word = readIntLE() ?: throw EOFException("LZ4 frame ended inside its blocks")
        if (word == 0) {
            endFrame()
            return true // an empty "block": the caller loops on to the next frame
        }
        val size = word and 0x7FFFFFFF
        val bufs = buffers ?: throw IOException("LZ4 reader closed")
        if (size > bufs.compressed.size) throw IOException("LZ4 block of $size bytes exceeds the frame's block size")
        readFully(bufs.compressed, size)
        if (blockChecksum) {
            val expected = readIntLE() ?: throw EOFException("LZ4 block checksum missing")
            if (xxhash.hash(bufs.compressed, 0, size, 0) != expected) throw IOException("LZ4 block checksum mismatch")
        }
        outLen = if (word < 0) {
            System.arraycopy(bufs.compressed, 0, out, 0, size)
            size
        } else {
            decompressor.decompress(bufs.compressed, 0, size, out, 0, out.size)
        }
        outPos = 0
        contentHash?.update(out, 0, outLen)
        return true
    }

    /** Reads a frame header; false at a clean end of input. */
    private fun startFrame(): Boolean {
        while (true) {
            val magic = readIntLE() ?: run { done = true; return false }
            if (magic and SKIPPABLE_MASK == SKIPPABLE_MAGIC) {
                val skip = readIntLE() ?: throw EOFException("skippable LZ4 frame without a size")
                input.skipNBytes(skip.toLong() and 0xFFFFFFFFL)
                continue
            }
            if (magic != MAGIC) throw IOException("not an LZ4 frame (magic %08x)".format(magic))
            readFully(header, 2)
            val flg = header[0].toInt() and 0xFF
            val bd = header[1].toInt() and 0xFF
            if (flg shr 6 != 1) throw IOException("unsupported LZ4 frame version ${flg shr 6}")
            var descriptor = 2
            if (flg and 0x08 != 0) { readFully(header, 8, descriptor); descriptor += 8 }
            if (flg and 0x01 != 0) { readFully(header, 4, descriptor); descriptor += 4 }
            val hc = input.read()
            if (hc < 0) throw EOFException("LZ4 frame header cut short")
            if ((xxhash.hash(header, 0, descriptor, 0) shr 8) and 0xFF != hc) throw IOException("LZ4 frame header checksum mismatch")
            if (flg and 0x20 == 0) {
                // dependent blocks need the previous block as a dictionary: lz4-java's own stream handles them
                val head = ByteArray(4 + descriptor + 1)
                intLE(head, MAGIC)
                System.arraycopy(header, 0, head, 4, descriptor)
                head[4 + descriptor] = hc.toByte()
                fallback = LZ4FrameInputStream(SequenceInputStream(ByteArrayInputStream(head), input))
                return true
            }
            val maxBlock = when ((bd shr 4) and 0x7) {
                4 -> 64 shl 10
                5 -> 256 shl 10
                6 -> 1 shl 20
                7 -> 4 shl 20
                else -> throw IOException("bad LZ4 block size code in $bd")
            }
            buffers = buffers!!.ensure(maxBlock)
            out = buffers!!.out
            blockChecksum = flg and 0x10 != 0
            contentHash = if (flg and 0x04 != 0) XXHashFactory.fastestInstance().newStreamingHash32(0) else null
            inFrame = true
            return true
        }
    }

    private fun endFrame() {
        inFrame = false
        outPos = 0
        outLen = 0
        val hash = contentHash ?: return
        val expected = readIntLE() ?: throw EOFException("LZ4 content checksum missing")
        if (hash.value != expected) throw IOException("LZ4 content checksum mismatch")
        contentHash = null
    }

    private fun readIntLE(): Int? {
        val b0 = input.read()
        if (b0 < 0) return null
        val rest = ByteArray(3)
        readFully(rest, 3)
        return b0 or ((rest[0].toInt() and 0xFF) shl 8) or ((rest[1].toInt() and 0xFF) shl 16) or ((rest[2].toInt() and 0xFF) shl 24)
    }

    private fun readFully(b: ByteArray, len: Int, off: Int = 0) {
        var done = 0
        while (done < len) {
            val n = input.read(b, off + done, len - done)
            if (n < 0) throw EOFException("LZ4 stream ended after ${done} of $len bytes")
            done += n
        }
    }

    /** A compressed and a decompressed block buffer, reused across streams. */
    private class Buffers(val compressed: ByteArray = ByteArray(64 shl 10), val out: ByteArray = ByteArray(64 shl 10)) {
        fun ensure(size: Int): Buffers = if (out.size >= size) this else Buffers(ByteArray(size), ByteArray(size))
    }

    companion object {
        private const val MAGIC = 0x184D2204
        private const val SKIPPABLE_MAGIC = 0x184D2A50
        private const val SKIPPABLE_MASK = -0x10 // 0xFFFFFFF0
        private const val POOL_MAX = 8
        private val pool = ConcurrentLinkedQueue<Buffers>()
        private val decompressor = LZ4Factory.fastestInstance().safeDecompressor()
        private val xxhash = XXHashFactory.fastestInstance().hash32()

        fun open(input: InputStream): InputStream = Lz4FrameReader(input)

        private fun intLE(b: ByteArray, v: Int) {
            for (i in 0 until 4) b[i] = (v shr (8 * i)).toByte()
        }
    }
}
