package dev.dbsql.flow.fuzz

import dev.dbsql.core.DatabricksSqlException
import dev.dbsql.flow.internal.arrow.IpcDecoder
import dev.dbsql.flow.internal.arrow.Lz4FrameReader
import dev.dbsql.flow.unit.ArrowBytes
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.property.Arb
import io.kotest.property.PropTestConfig
import io.kotest.property.arbitrary.arbitrary
import io.kotest.property.checkAll
import org.apache.arrow.memory.OutOfMemoryException
import org.apache.arrow.memory.RootAllocator
import org.apache.arrow.vector.VectorSchemaRoot
import java.io.ByteArrayInputStream
import java.io.IOException
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import kotlin.random.Random

/**
 * Fuzzing the byte decoders with fixed seeds and a bounded number of cases: the LZ4 frame reader
 * and the Arrow IPC decoder (plain and inside LZ4 frames) get valid streams with bytes flipped,
 * cut, repeated or overwritten with extreme lengths, and plain random bytes. Each case must end in
 * rows or in what the pipeline turns into a typed exception (`DatabricksSqlException`, an
 * `IOException` of a bad transfer, Arrow's `OutOfMemoryException` of the memory budget) — never an
 * `Error`, another exception, a hang, or a buffer left in the allocator.
 */
class DecoderFuzzSpec : FunSpec({
    val root = RootAllocator()
    val executor = Executors.newSingleThreadExecutor { r -> Thread(r, "fuzz-decoder").apply { isDaemon = true } }
    afterSpec {
        executor.shutdownNow()
        root.close()
    }

    val plain = RootAllocator().use { ArrowBytes.stream(it, 0, 300, 64) }
    val framed = ArrowBytes.lz4(plain, frameBytes = 1500)
    val lengths = listOf(-1, 0, 8, 0x7ffffff0, Int.MAX_VALUE, Int.MIN_VALUE, 1 shl 24, 0x00400000)

    fun mutate(seed: ByteArray, random: Random): ByteArray {
        if (random.nextInt(8) == 0) return random.nextBytes(random.nextInt(1, 16 * 1024))
        var b = seed.copyOf()
        repeat(1 + random.nextInt(4)) {
            if (b.isEmpty()) return b
            val at = random.nextInt(b.size)
            when (random.nextInt(5)) {
                0 -> b[at] = (b[at].toInt() xor (1 shl random.nextInt(8))).toByte()
                1 -> b = b.copyOf(at) // cut
                2 -> { // an extreme little-endian length
                    val v = lengths.random(random)
                    for (i in 0 until minOf(4, b.size - at)) b[at + i] = (v shr (8 * i)).toByte()
                }
                3 -> b = b.copyOfRange(0, at) + b.copyOfRange(at, minOf(b.size, at + random.nextInt(64))) + b.copyOfRange(at, b.size)
                else -> b[at] = random.nextInt(256).toByte()
            }
        }
        return b
    }

    fun bytes(seed: ByteArray): Arb<ByteArray> = arbitrary { rs -> mutate(seed, rs.random) }

    /** Decodes [input] in a worker with a generous hang guard; returns what it ended in. */
    fun outcome(input: ByteArray, action: (org.apache.arrow.memory.BufferAllocator) -> Unit): Throwable? {
        val alloc = root.newChildAllocator("case", 0, 64L * 1024 * 1024)
        try {
            val future = executor.submit<Throwable?> {
                try {
                    action(alloc)
                    null
                } catch (e: Throwable) {
                    e
                }
            }
            return future.get(60, TimeUnit.SECONDS) // a hang fails the case with TimeoutException
        } finally {
            withClue("buffers left by an input of ${input.size} bytes") { alloc.allocatedMemory shouldBe 0 }
            alloc.close()
        }
    }

    fun shouldBeTyped(input: ByteArray, failure: Throwable?) {
        if (failure == null) return
        val typed = failure is DatabricksSqlException || failure is IOException || failure is OutOfMemoryException
        withClue("input of ${input.size} bytes (starts ${input.take(16).joinToString(" ") { "%02x".format(it) }}) ended in $failure") {
            typed shouldBe true
        }
    }

    fun decode(input: ByteArray, lz4: Boolean) = outcome(input) { alloc ->
        val batches = mutableListOf<VectorSchemaRoot>()
        try {
            IpcDecoder.decode(ByteArrayInputStream(input), lz4, alloc, 0, { batches += it })
        } finally {
            batches.forEach { it.close() }
        }
    }

    test("the unmutated inputs decode") {
        decode(plain, lz4 = false) shouldBe null
        decode(framed, lz4 = true) shouldBe null
    }

    test("Arrow IPC decoder over mutated streams") {
        checkAll(PropTestConfig(seed = 2001, iterations = 1500), bytes(plain)) { input -> shouldBeTyped(input, decode(input, lz4 = false)) }
    }

    test("Arrow IPC decoder inside mutated LZ4 frames") {
        checkAll(PropTestConfig(seed = 2002, iterations = 1500), bytes(framed)) { input -> shouldBeTyped(input, decode(input, lz4 = true)) }
    }

    test("LZ4 frame reader over mutated frames") {
        checkAll(PropTestConfig(seed = 2003, iterations = 2000), bytes(framed)) { input ->
            shouldBeTyped(input, outcome(input) { Lz4FrameReader.open(ByteArrayInputStream(input)).use { it.readAllBytes() } })
        }
    }
})
