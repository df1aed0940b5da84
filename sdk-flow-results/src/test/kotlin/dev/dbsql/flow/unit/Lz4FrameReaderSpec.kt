package dev.dbsql.flow.unit

import dev.dbsql.flow.internal.arrow.Lz4FrameReader
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import net.jpountz.lz4.LZ4FrameOutputStream
import java.io.ByteArrayInputStream
import java.io.ByteArrayOutputStream
import java.io.EOFException
import java.io.IOException
import kotlin.random.Random

class Lz4FrameReaderSpec : FunSpec({
    /** Compressible data with some noise, [size] bytes. */
    fun data(size: Int, seed: Int = 1): ByteArray {
        val r = Random(seed)
        return ByteArray(size) { i -> if (r.nextInt(10) == 0) r.nextInt().toByte() else (i / 7).toByte() }
    }

    fun frame(bytes: ByteArray, block: LZ4FrameOutputStream.BLOCKSIZE, vararg flags: LZ4FrameOutputStream.FLG.Bits): ByteArray {
        val out = ByteArrayOutputStream()
        val bits = (flags.toSet() + LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE).toTypedArray()
        LZ4FrameOutputStream(out, block, *bits).use { it.write(bytes) }
        return out.toByteArray()
    }

    fun readAll(bytes: ByteArray, chunk: Int = 8192): ByteArray {
        val out = ByteArrayOutputStream()
        Lz4FrameReader.open(ByteArrayInputStream(bytes)).use { input ->
            val buf = ByteArray(chunk)
            while (true) {
                val n = input.read(buf)
                if (n < 0) break
                out.write(buf, 0, n)
            }
        }
        return out.toByteArray()
    }

    test("round trip for every block size, with and without block and content checksums") {
        val original = data(5_000_000)
        for (block in LZ4FrameOutputStream.BLOCKSIZE.entries) {
            readAll(frame(original, block)) shouldBe original
            readAll(
                frame(original, block, LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE, LZ4FrameOutputStream.FLG.Bits.BLOCK_CHECKSUM,
                    LZ4FrameOutputStream.FLG.Bits.CONTENT_CHECKSUM),
                chunk = 1,
            ).size shouldBe original.size
        }
    }

    test("concatenated frames, a skippable frame between them, and an empty frame") {
        val a = data(300_000, 2)
        val b = data(700_000, 3)
        val skippable = byteArrayOf(0x5A, 0x2A, 0x4D, 0x18, 3, 0, 0, 0, 9, 9, 9)
        val empty = frame(ByteArray(0), LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB)
        val all = frame(a, LZ4FrameOutputStream.BLOCKSIZE.SIZE_4MB) + skippable + empty + frame(b, LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB)
        readAll(all) shouldBe a + b
    }

    test("a cut stream, a corrupted block and a bad magic fail loudly") {
        val whole = frame(data(400_000), LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB, LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE,
            LZ4FrameOutputStream.FLG.Bits.CONTENT_CHECKSUM)
        shouldThrow<EOFException> { readAll(whole.copyOf(whole.size / 2)) }
        val corrupted = whole.copyOf().also { it[it.size / 2] = (it[it.size / 2] + 1).toByte() }
        shouldThrow<IOException> { readAll(corrupted) }
        shouldThrow<IOException> { readAll(byteArrayOf(1, 2, 3, 4, 5, 6, 7, 8)) }.message shouldContain "not an LZ4 frame"
    }

    test("an empty input is an empty stream; reading after close fails") {
        readAll(ByteArray(0)).size shouldBe 0
        val reader = Lz4FrameReader.open(ByteArrayInputStream(frame(data(10), LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB)))
        reader.close()
        shouldThrow<IOException> { reader.read(ByteArray(4)) }
    }
})
