package dev.dbsql.flow.it

import dev.dbsql.core.ClientClosedException
import dev.dbsql.flow.ChunkDownloadException
import dev.dbsql.flow.ResultOptions
import dev.dbsql.flow.ResultProgress
import dev.dbsql.flow.batches
import dev.dbsql.warehouse.LocalWarehouse
import dev.dbsql.warehouse.WarehouseConfig
import dev.dbsql.warehouse.faults.Endpoint
import dev.dbsql.warehouse.faults.Fault
import dev.dbsql.warehouse.faults.Trigger
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.ints.shouldBeGreaterThan
import io.kotest.matchers.longs.shouldBeGreaterThan
import io.kotest.matchers.shouldBe
import java.time.Duration
import kotlin.time.Duration.Companion.milliseconds

/**
 * CloudFetch against the local warehouse with its fault plan: dropped downloads, links that expire
 * while the stream runs (already expired on arrival, expiring during a download, refreshed before
 * expiry) and one slow chunk. Every row must arrive exactly once and in order.
 */
class CloudFetchFaultsSpec : FunSpec({
    test("10 million rows through download resets, expiring links and a slow chunk arrive exactly once, in order") {
        val rows = 10_000_000L
        // 40 chunks of 250 000 ids (~2 MiB of Arrow each); links live 2 s
        LocalWarehouse.start(WarehouseConfig(chunkRows = 250_000, linkLifetime = Duration.ofSeconds(2))).use { wh ->
            // seeded triggers: the reset fires on downloads 5 and 34, the expired links on chunk calls 11, 14 and 15
            // (a run makes at least 41 downloads and 40 chunk calls), so every fault surely happens
            val resets = wh.faults.inject(Endpoint.DOWNLOAD, Fault.ResetMidBody(), Trigger.probability(0.05, seed = 7))
            // the 6th download waits 2.5 s on the server: its link expires meanwhile (403), so it is refreshed and read again
            val slow = wh.faults.inject(Endpoint.DOWNLOAD, Fault.Delay(2_500), Trigger.nth(6))
            // the links that come with the statement are expired on arrival; some refreshed ones too
            val expiredOnExecute = wh.faults.inject(Endpoint.EXECUTE, Fault.ExpiredLinks(0), Trigger.nth(1))
            val expiredOnChunk = wh.faults.inject(Endpoint.CHUNK, Fault.ExpiredLinks(0), Trigger.probability(0.1, seed = 11))
            Fixtures.client(wh).use { client ->
                val allocator = Fixtures.trackingAllocator()
                val result = client.execute("SELECT id FROM range($rows)", options = Fixtures.links())
                result.manifest.totalChunkCount shouldBeGreaterThan 30
                var last: ResultProgress? = null
                val started = System.nanoTime()
                val options = ResultOptions(
                    // no second request for the slow download: its link must expire while it waits
                    concurrency = 4, allocator = allocator, linkExpiryMargin = 300.milliseconds, hedgeSlowDownloads = null,
                    initialBackoff = 20.milliseconds, maxBackoff = 200.milliseconds, onProgress = { last = it },
                )
                val ids = Fixtures.checkIds(result.batches(options))
                println("[measure] ${ids.count} rows in ${(System.nanoTime() - started) / 1_000_000} ms; downloads ${wh.admin.downloadCount}, " +
                    "chunk calls ${wh.admin.count(Endpoint.CHUNK)}, resets ${resets.fired}, expired on chunk ${expiredOnChunk.fired}")

                ids.shouldBeRange(0, rows)
                last!!.isComplete shouldBe true
                last!!.rowsDelivered shouldBe rows
                resets.fired shouldBeGreaterThan 0
                slow.fired shouldBe 1
                expiredOnExecute.fired shouldBe 1
                expiredOnChunk.fired shouldBeGreaterThan 0
                val downloads = wh.admin.requests(Endpoint.DOWNLOAD)
                downloads.count { it.status == 403 } shouldBeGreaterThan 0 // the slow one found its link expired
                downloads.count { it.status == 200 && it.fault == null } shouldBe result.manifest.totalChunkCount
                downloads.none { it.authorizationPresent } shouldBe true
                allocator.allocatedMemory shouldBe 0
                allocator.close()
            }
        }
    }

    test("a chunk that keeps failing ends the stream with ChunkDownloadException after the retry budget; memory is freed") {
        LocalWarehouse.start(WarehouseConfig(chunkRows = 50_000)).use { wh ->
            // every download of chunk 2 and later is cut mid-body
            val cut = wh.faults.inject(Endpoint.DOWNLOAD, Fault.ResetMidBody(), Trigger.from(3))
            Fixtures.client(wh).use { client ->
                val allocator = Fixtures.trackingAllocator()
                val result = client.execute("SELECT id FROM range(500000)", options = Fixtures.links())
                val options = ResultOptions(
                    concurrency = 1, maxAttempts = 3, initialBackoff = 10.milliseconds, maxBackoff = 50.milliseconds, allocator = allocator,
                )
                var rows = 0L
                val e = shouldThrow<ChunkDownloadException> { result.batches(options).collect { b -> b.use { rows += it.rowCount } } }
                e.chunkIndex shouldBe 2
                e.downloadAttempts shouldBe 3
                e.statementId shouldBe result.statementId
                rows shouldBe 100_000L // chunks 0 and 1, and nothing of chunk 2 twice
                cut.fired shouldBeGreaterThan 2
                allocator.allocatedMemory shouldBe 0
                allocator.close()
            }
        }
    }

    test("closing the client mid-stream fails the collection with ClientClosedException; memory is freed") {
        LocalWarehouse.start(WarehouseConfig(chunkRows = 20_000)).use { wh ->
            // downloads after the first two are slow, so the stream is surely still running when the client closes
            wh.faults.inject(Endpoint.DOWNLOAD, Fault.Delay(5_000), Trigger.from(3))
            val client = Fixtures.client(wh)
            val allocator = Fixtures.trackingAllocator()
            val result = client.execute("SELECT id FROM range(200000)", options = Fixtures.links())
            shouldThrow<ClientClosedException> {
                result.batches(ResultOptions(concurrency = 2, allocator = allocator)).collect { b ->
                    b.close()
                    client.close()
                }
            }
            allocator.allocatedMemory shouldBe 0
            allocator.close()
        }
    }
})
