package dev.dbsql.flow.unit

import dev.dbsql.flow.SharedMemoryBudget
import dev.dbsql.flow.internal.FlowFailures
import dev.dbsql.flow.internal.pipeline.ChunkPipeline
import dev.dbsql.flow.internal.pipeline.ChunkSpec
import dev.dbsql.flow.internal.pipeline.PipelineSettings
import dev.dbsql.flow.internal.pipeline.StreamMemory
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.longs.shouldBeGreaterThan
import io.kotest.matchers.longs.shouldBeLessThanOrEqual
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.yield
import org.apache.arrow.memory.AllocationListener
import org.apache.arrow.memory.RootAllocator
import org.apache.arrow.memory.rounding.SegmentRoundingPolicy
import org.apache.arrow.vector.BigIntVector
import java.time.Duration
import java.util.Collections

private const val MiB = 1L shl 20

class SharedBudgetSpec : FunSpec({
    fun allocator() = RootAllocator(AllocationListener.NOOP, Long.MAX_VALUE, SegmentRoundingPolicy(1024))
    // the fake chunks' IPC bytes are made with their own allocator, so the streams' peak is theirs alone
    val gen = allocator()
    afterSpec { gen.close() }

    fun pipeline(fake: FakeChunks, memory: StreamMemory, count: Int, reserve: Long) = ChunkPipeline(
        (0 until count).map { ChunkSpec(it, it.toLong() * ROWS, ROWS.toLong(), reserve) }, fake,
        PipelineSettings(4, 3, Duration.ofMillis(5), Duration.ofMillis(50), 3, false, Dispatchers.IO),
        FlowFailures("s", { memory.budget }, memory.allocator.limit), memory,
    ) { _, _ -> }

    /** Waits (hang guard 60 s) until [condition] holds. */
    suspend fun awaitTrue(what: String, condition: () -> Boolean) {
        withTimeout(60_000) { while (!condition()) delay(5) }
        condition() shouldBe true
        println("[event] $what")
    }

    test("admission is first come, first served: a small chunk does not overtake a large one waiting before it") {
        val budget = SharedMemoryBudget(10 * MiB)
        val order = Collections.synchronizedList(ArrayList<String>())
        budget.acquire(8 * MiB) { false }
        val large = launch { budget.acquire(6 * MiB) { false }; order += "large" }
        awaitTrue("large waits") { budget.waitingChunks == 1 }
        val small = launch { budget.acquire(1 * MiB) { false }; order += "small" }
        awaitTrue("small waits behind it") { budget.waitingChunks == 2 }
        // 8 + 1 would fit, but the small one must not pass the large one
        repeat(20) { yield() }
        order shouldBe emptyList()
        budget.release(8 * MiB)
        large.join()
        small.join()
        order shouldBe listOf("large", "small")
        budget.usedBytes shouldBe 7 * MiB
        budget.peakBytes shouldBe 8 * MiB
    }

    test("a chunk whose consumer waits for it with nothing else in flight is admitted over the limit") {
        val budget = SharedMemoryBudget(4 * MiB)
        budget.acquire(4 * MiB) { false }
        var consumerWaits = false
        val job = launch { budget.acquire(2 * MiB) { consumerWaits } }
        awaitTrue("it waits") { budget.waitingChunks == 1 }
        consumerWaits = true
        budget.wake()
        job.join()
        budget.usedBytes shouldBe 6 * MiB
    }

    test("a waiter that is cancelled leaves the line and passes its turn on") {
        val budget = SharedMemoryBudget(4 * MiB)
        budget.acquire(3 * MiB) { false }
        val first = launch { budget.acquire(3 * MiB) { false } }
        awaitTrue("first waits") { budget.waitingChunks == 1 }
        val second = launch { budget.acquire(1 * MiB) { false } }
        awaitTrue("second waits behind it") { budget.waitingChunks == 2 }
        first.cancelAndJoin()
        second.join()
        budget.usedBytes shouldBe 4 * MiB
        budget.waitingChunks shouldBe 0
    }

    test("four streams under one shared budget hold about the budget together, not four stream budgets") {
        val root = allocator()
        val probe = FakeChunks(gen, 1)
        val size = probe.bytes[0].size.toLong()
        val shared = SharedMemoryBudget(size * 4)
        // each stream alone could hold 8 chunks; the consumers are slower than the downloads
        val streams = (0 until 4).map { s ->
            async(Dispatchers.Default) {
                val memory = StreamMemory(root, size * 8, size * 4, "s$s", shared)
                var rows = 0L
                pipeline(FakeChunks(gen, 16), memory, 16, size).batches().collect { b ->
                    b.use { rows += (it.vector("id") as BigIntVector).valueCount }
                    delay(3)
                }
                rows
            }
        }
        streams.awaitAll() shouldBe List(4) { 16L * ROWS }
        println("[measure] chunk ${size shr 10} KiB, shared limit ${shared.limitBytes shr 10} KiB, shared peak ${shared.peakBytes shr 10} KiB, allocator peak ${root.peakMemoryAllocation shr 10} KiB")
        // the limit, plus growth past reservations (~10 % here) and at most one chunk per stream let in
        // because its consumer waited with nothing in flight; four separate budgets would allow 32 chunks
        shared.peakBytes shouldBeLessThanOrEqual shared.limitBytes * 115 / 100 + 4 * size * 115 / 100
        root.peakMemoryAllocation shouldBeLessThanOrEqual shared.limitBytes * 115 / 100 + 4 * size * 115 / 100
        shared.usedBytes shouldBe 0
        root.allocatedMemory shouldBe 0
        root.close()
    }

    test("a consumer that stalls holding its share does not starve the other streams; cancelling it frees its share") {
        val root = allocator()
        val size = FakeChunks(gen, 1).bytes[0].size.toLong()
        val shared = SharedMemoryBudget(size * 3)
        val stalled = CompletableDeferred<Unit>()
        val stuck = launch(Dispatchers.Default) {
            val memory = StreamMemory(root, size * 16, size * 4, "stuck", shared)
            pipeline(FakeChunks(gen, 20), memory, 20, size).batches().collect { b ->
                stalled.complete(Unit)
                try {
                    delay(Long.MAX_VALUE) // holds the batch and everything prefetched behind it
                } finally {
                    b.close()
                }
            }
        }
        stalled.await()
        // its own budget has room for 16 chunks: a chunk in line can only be waiting for the shared one
        awaitTrue("the stalled stream fills the shared budget and its next chunk waits in line") {
            shared.waitingChunks == 1 && shared.usedBytes > 0
        }
        val others = (0 until 2).map { s ->
            async(Dispatchers.Default) {
                val memory = StreamMemory(root, size * 8, size * 4, "o$s", shared)
                var rows = 0L
                withTimeout(60_000) {
                    pipeline(FakeChunks(gen, 10), memory, 10, size).batches().collect { b -> b.use { rows += it.rowCount } }
                }
                rows
            }
        }
        others.awaitAll() shouldBe List(2) { 10L * ROWS }
        stuck.isActive shouldBe true
        shared.usedBytes shouldBeGreaterThan 0
        stuck.cancelAndJoin()
        awaitTrue("its share came back") { shared.usedBytes == 0L && root.allocatedMemory == 0L }
        shared.waitingChunks shouldBe 0
        root.close()
    }
})
