package dev.dbsql.flow.it

import dev.dbsql.flow.ResultOptions
import dev.dbsql.flow.batches
import dev.dbsql.warehouse.LocalWarehouse
import dev.dbsql.warehouse.WarehouseConfig
import dev.dbsql.warehouse.faults.Endpoint
import dev.dbsql.warehouse.faults.Fault
import dev.dbsql.warehouse.faults.Trigger
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.longs.shouldBeGreaterThanOrEqual
import kotlinx.coroutines.withTimeout
import io.kotest.matchers.shouldBe

/** A download that does not answer gets a second request; exactly one body is read. */
class HedgingSpec : FunSpec({
    val rows = 2_000_000L

    suspend fun read(hedge: Boolean, stall: Long): Long {
        LocalWarehouse.start(WarehouseConfig(chunkRows = 100_000)).use { wh ->
            Fixtures.client(wh).use { client ->
                val result = client.execute("SELECT id FROM range($rows)", options = Fixtures.links())
                val chunks = result.manifest.totalChunkCount
                // the 5th download stalls on the server before it answers
                val stalled = wh.faults.inject(Endpoint.DOWNLOAD, Fault.Delay(stall), Trigger.nth(5))
                val allocator = Fixtures.trackingAllocator()
                val options = if (hedge) ResultOptions(concurrency = 4, allocator = allocator) else
                    ResultOptions(concurrency = 4, allocator = allocator, hedgeSlowDownloads = null)
                val started = System.nanoTime()
                // with hedging the guard (5 min) is half the stall: only a working hedge finishes in time
                withTimeout(if (hedge) stall / 2 else stall * 20) { Fixtures.checkIds(result.batches(options)).shouldBeRange(0, rows) }
                val millis = (System.nanoTime() - started) / 1_000_000
                stalled.fired shouldBe 1
                allocator.allocatedMemory shouldBe 0
                allocator.close()
                val downloads = wh.admin.requests(Endpoint.DOWNLOAD)
                if (hedge) {
                    // every chunk answered by an undisturbed request; the stalled one is still waiting
                    downloads.count { it.fault == null && it.status == 200 } shouldBe chunks
                } else {
                    downloads.size shouldBe chunks
                }
                return millis
            }
        }
    }

    test("with hedging, a download stalled for 10 minutes does not hold the stream; every row arrives once") {
        read(hedge = true, stall = 600_000L)
    }

    test("without hedging the stream waits for the stalled download") {
        read(hedge = false, stall = 6_000L) shouldBeGreaterThanOrEqual 6_000L
    }
})
