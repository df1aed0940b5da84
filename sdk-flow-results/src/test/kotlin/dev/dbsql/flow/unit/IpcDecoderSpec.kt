package dev.dbsql.flow.unit

import dev.dbsql.flow.internal.arrow.IpcDecoder
import io.kotest.assertions.throwables.shouldThrowAny
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import org.apache.arrow.memory.RootAllocator
import org.apache.arrow.vector.BigIntVector
import org.apache.arrow.vector.VectorSchemaRoot
import java.io.ByteArrayInputStream
import java.io.SequenceInputStream
import java.util.Collections

class IpcDecoderSpec : FunSpec({
    val root = RootAllocator()
    afterSpec { root.close() }

    fun ids(roots: List<VectorSchemaRoot>): List<Long> =
        roots.flatMap { r -> (0 until r.rowCount).map { (r.getVector("id") as BigIntVector).get(it) } }

    fun decode(bytes: ByteArray, lz4: Boolean, skip: Long = 0, limit: Long = Long.MAX_VALUE): Pair<Long, List<Long>> {
        val out = mutableListOf<VectorSchemaRoot>()
        val alloc = root.newChildAllocator("t", 0, Long.MAX_VALUE)
        try {
            val n = IpcDecoder.decode(ByteArrayInputStream(bytes), lz4, alloc, skip, { out += it }, limit)
            return n to ids(out)
        } finally {
            out.forEach { it.close() }
            alloc.allocatedMemory shouldBe 0
            alloc.close()
        }
    }

    test("a plain IPC stream decodes into owned batches in order") {
        val bytes = ArrowBytes.stream(root, 0, 1000, 128)
        val (n, ids) = decode(bytes, lz4 = false)
        n shouldBe 1000
        ids shouldBe (0L until 1000L).toList()
    }

    test("several concatenated LZ4 frames decompress as one stream") {
        val bytes = ArrowBytes.lz4(ArrowBytes.stream(root, 0, 5000, 700), frameBytes = 4096)
        val (n, ids) = decode(bytes, lz4 = true)
        n shouldBe 5000
        ids shouldBe (0L until 5000L).toList()
    }

    test("back-to-back IPC streams (one per chunk) read as one sequence") {
        val bytes = ArrowBytes.stream(root, 0, 300, 100) + ArrowBytes.stream(root, 300, 200, 64)
        decode(bytes, lz4 = false).second shouldBe (0L until 500L).toList()
    }

    test("attachments that are consecutive slices of one IPC stream, each compressed separately") {
        val whole = ArrowBytes.stream(root, 0, 900, 100)
        val cut = whole.size / 3
        val parts = listOf(whole.copyOfRange(0, cut), whole.copyOfRange(cut, 2 * cut), whole.copyOfRange(2 * cut, whole.size))
        val input = SequenceInputStream(Collections.enumeration(parts.map { ByteArrayInputStream(ArrowBytes.lz4(it)) }))
        val out = mutableListOf<VectorSchemaRoot>()
        IpcDecoder.decode(input, true, root, 0, { out += it }) shouldBe 900
        ids(out) shouldBe (0L until 900L).toList()
        out.forEach { it.close() }
    }

    test("skipping rows resumes inside a batch; a limit stops inside one") {
        val bytes = ArrowBytes.stream(root, 0, 1000, 100)
        decode(bytes, false, skip = 250).second shouldBe (250L until 1000L).toList()
        val (n, ids) = decode(bytes, false, skip = 150, limit = 420)
        n shouldBe 420
        ids shouldBe (150L until 420L).toList()
    }

    test("a stream cut in the middle of a message fails and frees what it held") {
        val bytes = ArrowBytes.stream(root, 0, 1000, 100)
        val alloc = root.newChildAllocator("cut", 0, Long.MAX_VALUE)
        val out = mutableListOf<VectorSchemaRoot>()
        shouldThrowAny {
            IpcDecoder.decode(ByteArrayInputStream(bytes.copyOf(bytes.size / 2)), false, alloc, 0, { out += it })
        }
        out.forEach { it.close() }
        alloc.allocatedMemory shouldBe 0
        alloc.close()
    }

    test("a truncated LZ4 frame fails") {
        val bytes = ArrowBytes.lz4(ArrowBytes.stream(root, 0, 1000, 100))
        shouldThrowAny { decode(bytes.copyOf(bytes.size - 10), lz4 = true) }
    }
})
