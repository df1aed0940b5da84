package dev.dbsql.spark

import dev.dbsql.flow.rows
import dev.dbsql.warehouse.WarehouseConfig
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.flow.map
import kotlinx.coroutines.flow.toList
import org.apache.spark.sql.functions.bit_xor
import org.apache.spark.sql.functions.col
import org.apache.spark.sql.functions.count
import org.apache.spark.sql.functions.length
import org.apache.spark.sql.functions.lit
import org.apache.spark.sql.functions.sum

/**
 * A result of 10 M rows read into a DataFrame: count, sum and a checksum equal the warehouse's own
 * aggregate over the same query; the warehouse ran the statement once for the whole job, every
 * chunk was downloaded, and the statement was closed once the action had ended.
 */
class BigResultSpec : FunSpec({
    val rows = 10_000_000L
    val sql = "SELECT id, CAST(id % 1000 AS INT) AS k, 'r' || CAST(id % 97 AS STRING) AS s FROM range($rows)"

    test("10 M rows: count, sum and checksum equal the warehouse's aggregate, with one execution") {
        TestWarehouse(WarehouseConfig(chunkRows = 250_000)).use { t ->
            val expected = t.client().use { client ->
                val r = client.execute(
                    "SELECT count(*) AS n, sum(id) AS total, bit_xor(id * 31 + k) AS x, sum(k * length(s)) AS ks FROM ($sql) q",
                )
                val row = r.rows().map { it.toMap() }.toList().single()
                r.close()
                row
            }
            t.wh.admin.resetRequests()

            val df = t.reader().option("query", sql).option("partitionBytes", "16m").load()
            val got = df.agg(
                count(lit(1)).alias("n"),
                sum(col("id")).alias("total"),
                bit_xor(col("id").multiply(31).plus(col("k"))).alias("x"),
                sum(col("k").multiply(length(col("s")))).alias("ks"),
            ).collectAsList().single()

            got.getLong(0) shouldBe rows
            got.getLong(1) shouldBe rows * (rows - 1) / 2
            for ((i, name) in listOf("n", "total", "x", "ks").withIndex()) {
                withClue(name) { got.getLong(i).toString() shouldBe expected[name].toString() }
            }

            val runs = t.executions(sql)
            runs.size shouldBe 1
            t.wh.admin.executeCount shouldBe 1
            val chunks = t.wh.admin.requests(dev.dbsql.warehouse.faults.Endpoint.DOWNLOAD).map { it.path }.toSet().size
            chunks shouldBe (rows / 250_000).toInt() // every chunk was downloaded (more requests only when a straggler was hedged)
            t.awaitClosed(sql)
        }
    }
})
