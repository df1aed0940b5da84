package dev.dbsql.flow.unit

import dev.dbsql.flow.internal.FlowFailures
import dev.dbsql.flow.internal.pipeline.AdaptiveConcurrency
import dev.dbsql.flow.internal.pipeline.ChunkPipeline
import dev.dbsql.flow.internal.pipeline.ChunkSpec
import dev.dbsql.flow.internal.pipeline.PipelineSettings
import dev.dbsql.flow.internal.pipeline.StreamMemory
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.ints.shouldBeGreaterThan
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.delay
import org.apache.arrow.memory.AllocationListener
import org.apache.arrow.memory.RootAllocator
import org.apache.arrow.memory.rounding.SegmentRoundingPolicy
import java.time.Duration

private const val MS = 1_000_000L

/**
 * A link model for the controller: [capacity] downloads' worth of bandwidth; each download takes
 * [baseMillis] while at most [capacity] run, and proportionally longer beyond (the link is shared).
 * Feeds the controller one window of completions at a time on a synthetic clock.
 */
private class Link(var capacity: Int, var baseMillis: Long) {
    var now = 0L

    fun run(c: AdaptiveConcurrency, windows: Int): List<Int> {
        val trace = ArrayList<Int>()
        repeat(windows) {
            val n = c.limit
            val took = if (n <= capacity) baseMillis * MS else baseMillis * MS * n / capacity
            // n downloads side by side: one finishes every took / n
            repeat(maxOf(2, n)) {
                now += took / n
                c.downloaded(1L shl 20, took, now)
            }
            trace += c.limit
        }
        return trace
    }
}

class AdaptiveConcurrencySpec : FunSpec({
    test("grows while more downloads bring more throughput, up to the caller's maximum") {
        val c = AdaptiveConcurrency(2, 8, 4)
        val trace = Link(capacity = 100, baseMillis = 100).run(c, 10)
        trace.first() shouldBe 5
        trace.last() shouldBe 8
        trace.zipWithNext().all { (a, b) -> b >= a } shouldBe true
    }

    test("stops growing where the link is full, and backs off when a slow link doubles download times without a gain") {
        val c = AdaptiveConcurrency(2, 16, 4)
        val link = Link(capacity = 6, baseMillis = 100)
        val settled = link.run(c, 12)
        println("[trace] full link at 6: $settled")
        settled.last() shouldBe 7 // one past the point of no gain, then holds
        settled.takeLast(4).toSet() shouldBe setOf(7)
        // the storage host slows down: every download takes three times as long, throughput falls
        link.baseMillis = 300
        link.capacity = 2
        val slowed = link.run(c, 12)
        println("[trace] slow link: $slowed")
        slowed.last() shouldBe 2
    }

    test("memory pressure shrinks the choice to the minimum; min == max never moves") {
        val c = AdaptiveConcurrency(2, 8, 6)
        val link = Link(capacity = 100, baseMillis = 100)
        repeat(6) {
            c.memoryPressure()
            link.run(c, 1)
        }
        c.limit shouldBe 2
        val fixed = AdaptiveConcurrency(4, 4, 4)
        link.run(fixed, 5)
        fixed.memoryPressure()
        link.run(fixed, 1)
        fixed.limit shouldBe 4
    }

    test("in a pipeline whose consumer is slower than its downloads, the choice goes to the minimum") {
        val root = RootAllocator(AllocationListener.NOOP, Long.MAX_VALUE, SegmentRoundingPolicy(1024))
        val gen = RootAllocator()
        val fake = FakeChunks(gen, 40)
        val size = fake.bytes[0].size.toLong()
        val memory = StreamMemory(root, size * 3, size * 4, "t")
        val pipeline = ChunkPipeline(
            (0 until 40).map { ChunkSpec(it, it.toLong() * ROWS, ROWS.toLong(), size) }, fake,
            PipelineSettings(8, 3, Duration.ofMillis(5), Duration.ofMillis(50), 3, false, Dispatchers.IO, minConcurrency = 2),
            FlowFailures("s", { memory.budget }, memory.allocator.limit), memory,
        ) { _, _ -> }
        var rows = 0L
        val seen = HashSet<Int>()
        pipeline.batches().collect { b ->
            b.use { rows += it.rowCount }
            seen += pipeline.downloads.limit
            delay(5)
        }
        println("[trace] limits seen: $seen")
        rows shouldBe 40L * ROWS
        seen.max() shouldBeGreaterThan 2 // it started above the minimum...
        pipeline.downloads.limit shouldBe 2 // ... and the budget waits brought it down
        root.allocatedMemory shouldBe 0
        root.close()
        gen.close()
    }
})
