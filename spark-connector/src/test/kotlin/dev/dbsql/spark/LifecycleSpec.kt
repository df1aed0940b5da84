package dev.dbsql.spark

import dev.dbsql.warehouse.WarehouseConfig
import dev.dbsql.warehouse.faults.Endpoint
import dev.dbsql.warehouse.faults.Fault
import dev.dbsql.warehouse.faults.Trigger
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.delay
import java.util.concurrent.atomic.AtomicReference

/**
 * Statement lifetime: one execution per action however often the DataFrame occurs in it, a new one
 * per later action, each closed when its action ends; a cancelled job cancels no statement (the
 * connector's readers do not own it) and the driver still closes it.
 */
class LifecycleSpec : FunSpec({
    val sql = "SELECT id FROM range(300000)"

    test("each action reads one execution, closed when the action ends; a self-union is one execution") {
        TestWarehouse(WarehouseConfig(chunkRows = 50_000)).use { t ->
            val df = t.reader().option("query", sql).load()
            t.executions(sql).size shouldBe 1
            df.union(df).count() shouldBe 600_000L
            t.executions(sql).size shouldBe 1
            t.awaitClosed(sql)
            df.count() shouldBe 300_000L
            t.executions(sql).size shouldBe 2
            t.awaitClosed(sql)
            t.executions(sql).all { it.cancelRequests == 0 } shouldBe true
        }
    }

    test("a cancelled job cancels no statement; the driver closes it when the execution ends") {
        TestWarehouse(WarehouseConfig(chunkRows = 50_000)).use { t ->
            val df = t.reader().option("query", sql).load()
            val slow = t.wh.faults.inject(Endpoint.DOWNLOAD, Fault.Delay(20_000), Trigger.always())
            val failure = AtomicReference<Throwable?>()
            val sc = TestSpark.session.sparkContext()
            val action = Thread {
                sc.setJobGroup("dbsql-cancel-test", "cancelled on purpose", true)
                try {
                    df.count()
                } catch (e: Throwable) {
                    failure.set(e)
                } finally {
                    sc.clearJobGroup()
                }
            }
            action.start()
            val deadline = System.nanoTime() + 60_000_000_000L
            while (slow.seen == 0) {
                check(System.nanoTime() < deadline) { "no download started" }
                delay(20)
            }
            sc.cancelJobGroup("dbsql-cancel-test")
            action.join(60_000)
            action.isAlive shouldBe false
            (failure.get() != null) shouldBe true
            t.wh.faults.clear()
            t.awaitClosed(sql)
            t.executions(sql).single().cancelRequests shouldBe 0
        }
    }
})
