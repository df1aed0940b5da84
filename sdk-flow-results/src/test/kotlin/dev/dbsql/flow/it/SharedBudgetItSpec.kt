package dev.dbsql.flow.it

import dev.dbsql.flow.ResultOptions
import dev.dbsql.flow.SharedMemoryBudget
import dev.dbsql.flow.batches
import dev.dbsql.warehouse.LocalWarehouse
import dev.dbsql.warehouse.WarehouseConfig
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.longs.shouldBeGreaterThan
import io.kotest.matchers.longs.shouldBeLessThanOrEqual
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.delay

/**
 * Several result streams over real HTTP sharing one [SharedMemoryBudget]: together they hold about
 * its limit, where their own budgets alone would let each hold many chunks.
 */
class SharedBudgetItSpec : FunSpec({
    test("three streams downloading over HTTP stay under one shared budget, where each alone could hold four times it") {
        val chunk = 2L shl 20
        LocalWarehouse.start(WarehouseConfig(chunkBytes = chunk)).use { wh ->
            Fixtures.client(wh).use { client ->
                val allocator = Fixtures.trackingAllocator()
                val shared = SharedMemoryBudget(8L shl 20)
                val sql = "SELECT id, repeat('abcdefghijklmnop', 60) AS s FROM range(50000)"
                val results = (0 until 3).map { client.execute(sql, options = Fixtures.links()) }
                val maxChunk = results.maxOf { r -> r.manifest.chunks.maxOf { it.byteCount ?: 0L } }
                maxChunk shouldBeGreaterThan 0
                val rows = results.map { r ->
                    async(Dispatchers.Default) {
                        var n = 0L
                        r.batches(ResultOptions(memoryBudgetBytes = 32L shl 20, allocator = allocator, sharedBudget = shared))
                            .collect { b ->
                                b.use { n += it.rowCount }
                                delay(2) // consumers slower than the downloads: every stream would prefetch to its own budget
                            }
                        n
                    }
                }.awaitAll()
                println(
                    "[measure] 3 streams of ${results[0].manifest.totalChunkCount} chunks (largest ${maxChunk shr 10} KiB): " +
                        "shared peak ${shared.peakBytes shr 10} KiB, allocator peak ${allocator.peakMemoryAllocation shr 10} KiB, limit ${shared.limitBytes shr 10} KiB",
                )
                rows shouldBe List(3) { 50_000L }
                // the limit, growth past the announced sizes, and one awaited chunk per stream
                allocator.peakMemoryAllocation shouldBeLessThanOrEqual shared.limitBytes * 5 / 4 + 3 * maxChunk * 5 / 4
                shared.usedBytes shouldBe 0
                allocator.allocatedMemory shouldBe 0
                allocator.close()
                results.forEach { it.close() }
            }
        }
    }
})
