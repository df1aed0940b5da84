package dev.dbsql.spark

import dev.dbsql.flow.ChunkDownloadException
import dev.dbsql.warehouse.WarehouseConfig
import dev.dbsql.warehouse.faults.Endpoint
import dev.dbsql.warehouse.faults.Fault
import dev.dbsql.warehouse.faults.Trigger
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.ints.shouldBeGreaterThanOrEqual
import io.kotest.matchers.nulls.shouldNotBeNull
import io.kotest.matchers.shouldBe
import org.apache.spark.SparkException
import org.apache.spark.sql.functions.col
import org.apache.spark.sql.functions.count
import org.apache.spark.sql.functions.lit
import org.apache.spark.sql.functions.sum

/**
 * Faults injected through the warehouse's fault plan: a download that fails once (with one
 * download attempt per chunk, so the task itself fails) makes Spark retry that task, which reads
 * its range again, and the result is still exact; a download that always fails fails the job with
 * the SDK's typed error as the cause. Either way the statement is closed afterwards.
 */
class FaultsSpec : FunSpec({
    val rows = 2_000_000L
    val sql = "SELECT id FROM range($rows)"

    test("a task failed by a download fault is retried by Spark and the result is exact") {
        TestWarehouse(WarehouseConfig(chunkRows = 100_000)).use { t ->
            val df = t.reader().option("query", sql).option("partitionBytes", "1m").option("maxAttempts", "1").load()
            val rule = t.wh.faults.inject(Endpoint.DOWNLOAD, Fault.Status(500, message = "injected"), Trigger.nth(7))
            val got = df.agg(count(lit(1)), sum(col("id"))).collectAsList().single()
            rule.fired shouldBe 1
            got.getLong(0) shouldBe rows
            got.getLong(1) shouldBe rows * (rows - 1) / 2
            t.executions(sql).size shouldBe 1
            // every chunk once, plus the failed one and whatever the retried task read again
            t.wh.admin.downloadCount.toInt() shouldBeGreaterThanOrEqual 21
            t.awaitClosed(sql)
        }
    }

    test("a blocked download fails the job with the SDK's ChunkDownloadException as the cause") {
        TestWarehouse(WarehouseConfig(chunkRows = 100_000)).use { t ->
            val df = t.reader().option("query", sql).option("maxAttempts", "2").load()
            t.wh.faults.inject(Endpoint.DOWNLOAD, Fault.Status(500, message = "blocked"), Trigger.always())
            val e = shouldThrow<SparkException> { df.agg(sum(col("id"))).collectAsList() }
            val cause = generateSequence<Throwable>(e) { it.cause }.filterIsInstance<ChunkDownloadException>().firstOrNull()
            cause.shouldNotBeNull()
            cause.statementId shouldBe t.executions(sql).single().id
            t.awaitClosed(sql)
        }
    }
})
