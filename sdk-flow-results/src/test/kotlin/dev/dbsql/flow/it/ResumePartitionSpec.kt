package dev.dbsql.flow.it

import dev.dbsql.core.StatementHandle
import dev.dbsql.flow.RecordBatch
import dev.dbsql.flow.ResultOptions
import dev.dbsql.flow.ResultPartition
import dev.dbsql.flow.ResultProgress
import dev.dbsql.flow.batches
import dev.dbsql.flow.nextResultChunk
import dev.dbsql.flow.partitions
import dev.dbsql.flow.readPartition
import dev.dbsql.flow.resumeBatches
import dev.dbsql.flow.withResultProgress
import dev.dbsql.warehouse.LocalWarehouse
import dev.dbsql.warehouse.WarehouseConfig
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.longs.shouldBeGreaterThan
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.flow.collect
import kotlinx.coroutines.flow.transformWhile
import kotlinx.serialization.builtins.ListSerializer
import kotlinx.serialization.json.Json

/**
 * Reading a result in pieces, as separate processes would: a stream stopped after some chunks is
 * resumed from its saved handle by a new client at the next chunk, and partitions shipped as JSON
 * and read by other clients add up to the whole result.
 */
class ResumePartitionSpec : FunSpec({
    val rows = 1_000_000L
    val sql = "SELECT id FROM range($rows)"

    test("a stream resumed from its saved handle in a new client continues at the next chunk") {
        LocalWarehouse.start(WarehouseConfig(chunkRows = 100_000)).use { wh ->
            val allocator = Fixtures.trackingAllocator()
            val savedJson = Fixtures.client(wh).use { first ->
                val result = first.execute(sql, options = Fixtures.links())
                result.manifest.totalChunkCount shouldBe 10
                var progress: ResultProgress? = null
                val check = Fixtures.IdCheck()
                // stop once 4 chunks are delivered; the batch that is not taken is closed here
                result.batches(ResultOptions(allocator = allocator, onProgress = { progress = it }))
                    .transformWhile { b: RecordBatch ->
                        if (b.chunkIndex < 4) {
                            emit(b)
                            true
                        } else {
                            b.close()
                            false
                        }
                    }
                    .collect { b -> b.use { check.add(it) } }
                check.shouldBeRange(0, 400_000)
                progress!!.nextChunk shouldBe 4
                progress!!.isComplete shouldBe false
                result.handle.withResultProgress(progress!!).toJson()
            } // the first client is closed: nothing of it is used below
            allocator.allocatedMemory shouldBe 0

            wh.admin.resetRequests()
            Fixtures.client(wh).use { second ->
                val handle = StatementHandle.fromJson(savedJson)
                handle.nextResultChunk shouldBe 4
                val rest = Fixtures.checkIds(second.resumeBatches(handle, ResultOptions(allocator = allocator)), firstId = 400_000)
                rest.shouldBeRange(400_000, rows)
                // chunks 0..3 were not downloaded again
                wh.admin.downloadCount shouldBe 6
            }
            allocator.allocatedMemory shouldBe 0
            allocator.close()
        }
    }

    test("partitions shipped as JSON and read by separate clients add up to the whole result") {
        LocalWarehouse.start(WarehouseConfig(chunkRows = 70_000)).use { wh ->
            val allocator = Fixtures.trackingAllocator()
            val shipped = Fixtures.client(wh).use { client ->
                val result = client.execute(sql, options = Fixtures.links())
                val parts = result.partitions(4)
                parts.size shouldBe 4
                parts.first().startChunk shouldBe 0
                parts.last().endChunk shouldBe result.manifest.totalChunkCount
                parts.zipWithNext().all { (a, b) -> a.endChunk == b.startChunk } shouldBe true
                Json.encodeToString(ListSerializer(ResultPartition.serializer()), parts)
            }
            shipped.contains(wh.token) shouldBe false
            val parts = Json.decodeFromString(ListSerializer(ResultPartition.serializer()), shipped)
            val pieces = parts.map { part ->
                async {
                    Fixtures.client(wh).use { worker ->
                        part to Fixtures.checkIds(worker.readPartition(part, ResultOptions(allocator = allocator)), firstId = part.rowOffset)
                    }
                }
            }.awaitAll()
            for ((part, ids) in pieces) {
                ids.count shouldBeGreaterThan 0L
                ids.shouldBeRange(part.rowOffset, part.rowOffset + part.rowCount)
            }
            pieces.sumOf { it.second.count } shouldBe rows
            pieces.sumOf { it.second.sum } shouldBe rows * (rows - 1) / 2
            allocator.allocatedMemory shouldBe 0
            allocator.close()
        }
    }
})
