package dev.dbsql.flow.it

import dev.dbsql.flow.ResultOptions
import dev.dbsql.flow.ResultProgress
import dev.dbsql.flow.batches
import dev.dbsql.flow.executeStreaming
import dev.dbsql.warehouse.LocalWarehouse
import dev.dbsql.warehouse.WarehouseConfig
import dev.dbsql.warehouse.faults.Endpoint
import dev.dbsql.warehouse.faults.Fault
import dev.dbsql.warehouse.faults.Trigger
import dev.dbsql.warehouse.statements.StatementState
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.longs.shouldBeGreaterThanOrEqual
import io.kotest.matchers.longs.shouldBeLessThanOrEqual
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.launch

/**
 * The memory contract of a stream against the real server: a large result read with a small budget
 * stays within budget plus slack, and a stream cancelled mid-way (or while its statement still runs)
 * frees every buffer and cancels the statement on the server.
 */
class MemoryBudgetSpec : FunSpec({
    val budget = 64L shl 20
    val slack = 16L shl 20 // the default for this budget: max(16 MiB, budget / 8)
    // ~1 KiB of text per row: 1.1 M rows are more than 1 GiB of Arrow
    val bigSql = "SELECT id, repeat('abcdefghijklmnop', 64) || CAST(id AS STRING) AS s FROM range(1100000)"

    test("a result of more than 1 GiB of Arrow streams with a 64 MiB budget; the allocator peak stays within budget + slack") {
        LocalWarehouse.start(WarehouseConfig()).use { wh ->
            Fixtures.client(wh).use { client ->
                val allocator = Fixtures.trackingAllocator()
                val result = client.execute(bigSql, options = Fixtures.links())
                val arrowBytes = result.manifest.totalByteCount!!
                arrowBytes shouldBeGreaterThanOrEqual (1L shl 30)
                var last: ResultProgress? = null
                var rows = 0L
                var maxHeldSeen = 0L
                val started = System.nanoTime()
                result.batches(ResultOptions(memoryBudgetBytes = budget, allocator = allocator, onProgress = { last = it }))
                    .collect { b ->
                        b.use { rows += it.rowCount }
                        maxHeldSeen = maxOf(maxHeldSeen, allocator.allocatedMemory)
                    }
                val millis = (System.nanoTime() - started) / 1_000_000
                val peak = allocator.peakMemoryAllocation
                println(
                    "[measure] ${arrowBytes shr 20} MiB of Arrow in ${result.manifest.totalChunkCount} chunks, read in $millis ms; " +
                        "allocator peak ${peak shr 10} KiB (budget ${budget shr 10} KiB, peak - budget = ${(peak - budget) shr 10} KiB); " +
                        "budget accounting peak ${last!!.peakHeldBytes shr 10} KiB",
                )
                rows shouldBe 1_100_000L
                last!!.isComplete shouldBe true
                peak shouldBeLessThanOrEqual budget + slack
                peak shouldBeGreaterThanOrEqual budget / 2 // the budget was really used: several chunks in flight at once
                last!!.peakHeldBytes shouldBeLessThanOrEqual budget + slack
                allocator.allocatedMemory shouldBe 0
                allocator.close()
                result.close()
            }
        }
    }

    test("cancelling an executeStreaming collector mid-stream frees every buffer and cancels the statement on the server") {
        LocalWarehouse.start(WarehouseConfig()).use { wh ->
            Fixtures.client(wh).use { client ->
                val allocator = Fixtures.trackingAllocator()
                val sql = "SELECT id, repeat('x', 512) AS s FROM range(400000)"
                val gotSome = CompletableDeferred<Unit>()
                var batches = 0
                val job = launch(Dispatchers.Default) {
                    client.executeStreaming(
                        sql, executeOptions = Fixtures.links(),
                        resultOptions = ResultOptions(memoryBudgetBytes = budget, allocator = allocator),
                    ).collect { b ->
                        b.close()
                        if (++batches == 3) gotSome.complete(Unit)
                    }
                }
                gotSome.await()
                job.cancelAndJoin()
                // a body being read on the download pool when the cancel lands is released when that
                // read returns, which can be just after cancelAndJoin: wait for it (hang guard 60 s)
                awaitReleased(allocator)
                allocator.allocatedMemory shouldBe 0
                val id = wh.admin.statementsWithText(sql).single().id
                wh.admin.awaitCancel(id).cancelArrived shouldBe true
                wh.admin.statement(id)!!.closeArrived shouldBe true
                allocator.close()
            }
        }
    }

    test("cancelling an executeStreaming collector while its statement still runs cancels the statement") {
        LocalWarehouse.start(WarehouseConfig()).use { wh ->
            wh.faults.inject(Endpoint.QUERY, Fault.Delay(60_000), Trigger.nth(1)) // holds the statement RUNNING
            Fixtures.client(wh).use { client ->
                val allocator = Fixtures.trackingAllocator()
                val sql = "SELECT id FROM range(1000)"
                val job = launch(Dispatchers.Default) {
                    client.executeStreaming(sql, executeOptions = Fixtures.links(), resultOptions = ResultOptions(allocator = allocator))
                        .collect { it.close() }
                }
                val id = awaitStatementId(wh, sql)
                wh.admin.awaitState(id, StatementState.RUNNING)
                job.cancelAndJoin()
                wh.admin.awaitCancel(id).cancelArrived shouldBe true
                wh.admin.awaitState(id, StatementState.CANCELED, StatementState.CLOSED)
                allocator.allocatedMemory shouldBe 0
                allocator.close()
            }
        }
    }
})

/** Returns once [allocator] holds nothing, or after 60 s (the assertion after it then reports what is left). */
internal suspend fun awaitReleased(allocator: org.apache.arrow.memory.BufferAllocator) {
    repeat(6000) {
        if (allocator.allocatedMemory == 0L) return
        kotlinx.coroutines.delay(10)
    }
}

/** The id of the (single) statement with [sql], once the server has it. */
internal suspend fun awaitStatementId(wh: LocalWarehouse, sql: String): String {
    repeat(1000) {
        wh.admin.statementsWithText(sql).singleOrNull()?.let { return it.id }
        kotlinx.coroutines.delay(10)
    }
    error("no statement '$sql' arrived")
}
