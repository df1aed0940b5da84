package dev.dbsql.flow.it

import dev.dbsql.core.Disposition
import dev.dbsql.core.ExecuteOptions
import dev.dbsql.flow.IncompleteResultException
import dev.dbsql.flow.ResultOptions
import dev.dbsql.flow.batches
import dev.dbsql.flow.rows
import dev.dbsql.warehouse.LocalWarehouse
import dev.dbsql.warehouse.WarehouseConfig
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.flow.count
import kotlinx.coroutines.flow.take

/** Early stop frees everything; a result the server cut short is refused unless the caller opts in. */
class CompletenessSpec : FunSpec({
    lateinit var wh: LocalWarehouse
    beforeSpec { wh = LocalWarehouse.start(WarehouseConfig(chunkRows = 20_000)) }
    afterSpec { wh.close() }

    test("take(n) stops the stream early, and every buffer is freed") {
        Fixtures.client(wh).use { client ->
            val allocator = Fixtures.trackingAllocator()
            val result = client.execute("SELECT id, CAST(id AS STRING) AS s FROM range(1000000)", options = Fixtures.links())
            result.manifest.totalChunkCount shouldBe 50
            val check = Fixtures.IdCheck()
            result.batches(ResultOptions(concurrency = 4, allocator = allocator)).take(3).collect { b -> b.use { check.add(it) } }
            check.outOfOrder shouldBe 0
            check.count shouldBe check.next
            allocator.allocatedMemory shouldBe 0
            // the same result read again (cold flow), rows this time, stopped after 10 rows
            result.rows(ResultOptions(allocator = allocator)).take(10).count() shouldBe 10
            allocator.allocatedMemory shouldBe 0
            allocator.close()
        }
    }

    for (disposition in listOf(Disposition.EXTERNAL_LINKS, Disposition.INLINE)) {
        val format = if (disposition == Disposition.INLINE) dev.dbsql.core.ResultFormat.JSON_ARRAY else dev.dbsql.core.ResultFormat.ARROW_STREAM
        test("a truncated $disposition result fails with IncompleteResultException unless allowTruncated") {
            Fixtures.client(wh).use { client ->
                val allocator = Fixtures.trackingAllocator()
                val result = client.execute("SELECT id FROM range(100000)", options = ExecuteOptions(disposition, format, rowLimit = 30_000))
                result.manifest.truncated shouldBe true
                val e = shouldThrow<IncompleteResultException> { result.batches(ResultOptions(allocator = allocator)).count() }
                e.statementId shouldBe result.statementId
                e.actualRows shouldBe 30_000L
                allocator.allocatedMemory shouldBe 0

                Fixtures.checkIds(result.batches(ResultOptions(allocator = allocator, allowTruncated = true))).shouldBeRange(0, 30_000)
                allocator.allocatedMemory shouldBe 0
                allocator.close()
            }
        }
    }
})
