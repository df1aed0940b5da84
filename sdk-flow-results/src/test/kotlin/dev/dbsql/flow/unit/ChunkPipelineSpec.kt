package dev.dbsql.flow.unit

import dev.dbsql.flow.ChunkDownloadException
import dev.dbsql.flow.IncompleteResultException
import dev.dbsql.flow.RecordBatch
import dev.dbsql.flow.ResultMemoryException
import dev.dbsql.flow.internal.FlowFailures
import dev.dbsql.flow.internal.arrow.IpcDecoder
import dev.dbsql.flow.internal.pipeline.ChunkPipeline
import dev.dbsql.flow.internal.pipeline.ChunkProducer
import dev.dbsql.flow.internal.pipeline.ChunkSpec
import dev.dbsql.flow.internal.pipeline.PipelineSettings
import dev.dbsql.flow.internal.pipeline.StreamMemory
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.ints.shouldBeGreaterThan
import io.kotest.matchers.longs.shouldBeLessThanOrEqual
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.collect
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.launch
import kotlinx.coroutines.runInterruptible
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import org.apache.arrow.memory.AllocationListener
import org.apache.arrow.memory.BufferAllocator
import org.apache.arrow.memory.rounding.SegmentRoundingPolicy
import org.apache.arrow.memory.RootAllocator
import org.apache.arrow.vector.BigIntVector
import org.apache.arrow.vector.VectorSchemaRoot
import java.io.ByteArrayInputStream
import java.io.IOException
import java.time.Duration
import kotlin.coroutines.CoroutineContext
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger

internal const val ROWS = 4_000

/** Chunks of ROWS ids each, served from memory with per-chunk delays and scripted failures. */
internal class FakeChunks(allocator: BufferAllocator, count: Int) : ChunkProducer {
    val bytes = (0 until count).map { ArrowBytes.stream(allocator, it.toLong() * ROWS, ROWS, 500) }
    val delays = ConcurrentHashMap<Int, Long>()
    /** chunk → attempts that fail after handing over half the chunk. */
    val failMidway = ConcurrentHashMap<Int, Int>()
    val started = ConcurrentHashMap<Int, Long>()
    val finished = ConcurrentHashMap<Int, Long>()
    val inFlight = AtomicInteger()
    var maxInFlight = 0
    var rowsOverride: Long? = null

    override suspend fun produce(spec: ChunkSpec, attempt: Int, skipRows: Long, allocator: BufferAllocator, sink: (VectorSchemaRoot) -> Unit): Long {
        started.putIfAbsent(spec.index, System.nanoTime())
        val now = inFlight.incrementAndGet()
        synchronized(this) { maxInFlight = maxOf(maxInFlight, now) }
        try {
            delays[spec.index]?.let { delay(it) }
            val failing = (failMidway[spec.index] ?: 0) > attempt
            val data = if (failing) bytes[spec.index].copyOf(bytes[spec.index].size / 2) else bytes[spec.index]
            val read = runInterruptible { IpcDecoder.decode(ByteArrayInputStream(data), false, allocator, skipRows, sink) }
            if (failing) throw IOException("connection reset (scripted)")
            return rowsOverride ?: read
        } finally {
            inFlight.decrementAndGet()
            finished[spec.index] = System.nanoTime()
        }
    }
}

class ChunkPipelineSpec : FunSpec({
    // rounds like the SDK's default parent allocator (1 KiB), so memory matches IPC sizes
    val root = RootAllocator(AllocationListener.NOOP, Long.MAX_VALUE, SegmentRoundingPolicy(1024))
    afterSpec { root.close() }

    fun settings(concurrency: Int = 4, attempts: Int = 3) = PipelineSettings(
        concurrency, attempts, Duration.ofMillis(5), Duration.ofMillis(50), 3, false, Dispatchers.IO,
    )

    fun pipeline(fake: FakeChunks, memory: StreamMemory, count: Int, reserve: Long, concurrency: Int = 4, attempts: Int = 3) =
        ChunkPipeline(
            (0 until count).map { ChunkSpec(it, it.toLong() * ROWS, ROWS.toLong(), reserve) }, fake,
            settings(concurrency, attempts), FlowFailures("s1", { memory.budget }, memory.allocator.limit), memory,
        ) { _, _ -> }

    suspend fun collectIds(p: ChunkPipeline): List<Long> {
        val ids = ArrayList<Long>()
        p.batches().collect { b -> b.use { ids += (0 until it.rowCount).map { i -> (it.vector("id") as BigIntVector).get(i) } } }
        return ids
    }

    test("chunks arrive in order, exactly once, with downloads overlapping") {
        val fake = FakeChunks(root, 20)
        (0 until 20).forEach { fake.delays[it] = (20 - it) * 5L }
        val memory = StreamMemory(root, 64L shl 20, 16L shl 20, "t")
        collectIds(pipeline(fake, memory, 20, 100_000)) shouldBe (0L until 20L * ROWS).toList()
        fake.maxInFlight shouldBeGreaterThan 1
        root.allocatedMemory shouldBe 0
        memory.leakReport shouldBe null
    }

    test("the byte budget bounds what is held, and a slow head chunk does not stop the chunks behind it") {
        val fake = FakeChunks(root, 12)
        fake.delays[0] = 600
        val size = fake.bytes[0].size.toLong()
        // room for 4 chunks: reservations use the IPC size, decoded chunks are ~10 % larger here
        // (1 KiB rounding of tiny buffers), which the budget charges as they grow
        val budget = size * 9 / 2
        val memory = StreamMemory(root, budget, size, "t")
        collectIds(pipeline(fake, memory, 12, size, concurrency = 8)) shouldBe (0L until 12L * ROWS).toList()
        memory.budget.peakBytes shouldBeLessThanOrEqual budget * 115 / 100
        // chunks 1..3 finished while chunk 0 was still downloading
        (1..3).forEach { (fake.finished[it]!! < fake.finished[0]!!) shouldBe true }
        // ... but chunk 4 could not start before chunk 0's bytes were released
        (fake.started[4]!! > fake.finished[0]!!) shouldBe true
        root.allocatedMemory shouldBe 0
    }

    test("a consumer that is slow to resume does not let chunks past the budget") {
        // every resumption of the collector is dispatched 100 ms late, while the chunks decode at once:
        // the consumer has been handed its head chunk but not yet run, which must not count as "waiting"
        val late = Executors.newSingleThreadScheduledExecutor()
        val lateDispatcher = object : CoroutineDispatcher() {
            override fun dispatch(context: CoroutineContext, block: Runnable) {
                late.schedule(block, 100, TimeUnit.MILLISECONDS)
            }
        }
        try {
            val fake = FakeChunks(root, 12)
            val size = fake.bytes[0].size.toLong()
            val budget = size * 5 / 2
            val memory = StreamMemory(root, budget, size * 20, "t")
            withContext(lateDispatcher) { collectIds(pipeline(fake, memory, 12, size)) } shouldBe (0L until 12L * ROWS).toList()
            memory.budget.peakBytes shouldBeLessThanOrEqual budget * 115 / 100
            root.allocatedMemory shouldBe 0
        } finally {
            late.shutdownNow()
        }
    }

    test("a download that fails midway is retried without repeating or losing rows") {
        val fake = FakeChunks(root, 6)
        fake.failMidway[2] = 2
        fake.failMidway[5] = 1
        val memory = StreamMemory(root, 64L shl 20, 16L shl 20, "t")
        collectIds(pipeline(fake, memory, 6, 100_000)) shouldBe (0L until 6L * ROWS).toList()
        root.allocatedMemory shouldBe 0
    }

    test("past the retry budget the chunk fails with a typed error and memory is freed") {
        val fake = FakeChunks(root, 6)
        fake.failMidway[3] = 99
        val memory = StreamMemory(root, 64L shl 20, 16L shl 20, "t")
        val e = shouldThrow<ChunkDownloadException> { collectIds(pipeline(fake, memory, 6, 100_000, attempts = 3)) }
        e.chunkIndex shouldBe 3
        e.downloadAttempts shouldBe 3
        root.allocatedMemory shouldBe 0
    }

    test("a chunk whose rows do not match the manifest fails as incomplete") {
        val fake = FakeChunks(root, 3)
        fake.rowsOverride = ROWS - 1L
        val memory = StreamMemory(root, 64L shl 20, 16L shl 20, "t")
        val e = shouldThrow<IncompleteResultException> { collectIds(pipeline(fake, memory, 3, 100_000, attempts = 2)) }
        e.chunkIndex shouldBe 0
        root.allocatedMemory shouldBe 0
    }

    test("take(n) and cancellation stop the downloads and free every buffer") {
        val fake = FakeChunks(root, 30)
        val memory = StreamMemory(root, 64L shl 20, 16L shl 20, "t")
        pipeline(fake, memory, 30, 100_000).batches().take(3).collect { it.close() }
        root.allocatedMemory shouldBe 0
        root.childAllocators.size shouldBe 0

        val slow = FakeChunks(root, 30)
        (0 until 30).forEach { slow.delays[it] = 50 }
        val memory2 = StreamMemory(root, 64L shl 20, 16L shl 20, "t2")
        val job = launch(Dispatchers.Default) {
            pipeline(slow, memory2, 30, 100_000).batches().collect { it.close(); delay(10) }
        }
        delay(300)
        job.cancel()
        job.join()
        root.allocatedMemory shouldBe 0
        root.childAllocators.size shouldBe 0
    }

    test("batches kept by the consumer past the budget do not hang the stream; the allocator limit fails it") {
        val fake = FakeChunks(root, 8)
        val size = fake.bytes[0].size.toLong()
        // toList keeps every batch: the budget (2 chunks) is exceeded by the consumer's own choice
        val memory = StreamMemory(root, size * 2, size * 20, "t")
        val kept: List<RecordBatch> = withTimeout(10_000) { pipeline(fake, memory, 8, size).batches().toList() }
        kept.sumOf { it.rowCount } shouldBe 8 * ROWS
        kept.forEach { it.close() }
        root.allocatedMemory shouldBe 0

        val memory2 = StreamMemory(root, size * 2, size, "t2")
        val held = ArrayList<RecordBatch>()
        shouldThrow<ResultMemoryException> {
            withTimeout(10_000) { pipeline(FakeChunks(root, 8), memory2, 8, size).batches().collect { held += it } }
        }
        held.forEach { it.close() }
        root.allocatedMemory shouldBe 0
        root.childAllocators.size shouldBe 0
    }
})
