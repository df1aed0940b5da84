@file:JvmName("SparkBench")

package dev.dbsql.bench

import dev.dbsql.core.DatabricksSqlClient
import dev.dbsql.core.clientConfig
import dev.dbsql.warehouse.LocalWarehouse
import dev.dbsql.warehouse.WarehouseConfig
import kotlinx.coroutines.runBlocking
import org.apache.spark.sql.DataFrameReader
import org.apache.spark.sql.Dataset
import org.apache.spark.sql.Row
import org.apache.spark.sql.SparkSession
import org.apache.spark.sql.functions.col
import org.apache.spark.sql.functions.count
import org.apache.spark.sql.functions.lit
import org.apache.spark.sql.functions.sum
import java.nio.file.Files
import java.nio.file.Path

/**
 * Reading one result into Spark (`local[4]`, same JVM as an in-process local warehouse): the
 * `dbsql` data source against Spark's JDBC data source with databricks-jdbc (SEA), one partition
 * and four partitions by `id` range, on the same data ([Data.sql], about [bytes] of Arrow). Each
 * run is `load()` + one action touching every column (`count`, `sum` of each); its time, MiB/s of
 * Arrow data and the statements the warehouse executed (from its in-process request log) are
 * printed as a Markdown table and written to `benchmarks/target/spark-bench.md`.
 *
 * Args: `[bytes] [runs]` (defaults 1 GiB, 2 runs after one warm-up). Run with the compile class
 * path (Spark is `provided`): see `spark-connector/README.md`.
 */
fun main(args: Array<String>) {
    val bytes = args.getOrNull(0)?.toLong() ?: (1L shl 30)
    val runs = args.getOrNull(1)?.toInt() ?: 2
    val rows = Data.rowsFor(bytes)
    val sql = Data.sql(rows)
    val dir = Files.createTempDirectory("spark-bench")
    LocalWarehouse.start(WarehouseConfig(chunkBytes = 16L shl 20, chunkRows = 1_000_000)).use { wh ->
        val profile = dir.resolve("databrickscfg").also { Files.writeString(it, "[bench]\nhost = ${wh.baseUrl}\ntoken = ${wh.token}\n") }
        val arrowBytes = DatabricksSqlClient(clientConfig { host = wh.baseUrl; httpPath = wh.httpPath; auth = pat(wh.token) }).use { c ->
            runBlocking { c.execute(sql, options = Data.links).let { r -> r.arrowBytes.also { r.close() } } }
        }
        val spark = SparkSession.builder().master("local[4]").appName("dbsql-spark-bench")
            .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1").config("spark.sql.shuffle.partitions", "4")
            .getOrCreate()
        try {
            val variants = listOf<Pair<String, () -> Dataset<Row>>>(
                "dbsql data source (this connector)" to {
                    spark.read().format("dbsql").option("host", wh.baseUrl).option("warehouse", wh.warehouseId)
                        .option("profile", "bench").option("configFile", profile.toString()).option("query", sql).load()
                },
                "Spark JDBC + databricks-jdbc, 1 partition" to { jdbc(spark, wh).option("query", sql).load() },
                "Spark JDBC + databricks-jdbc, 4 partitions by id" to {
                    jdbc(spark, wh).option("dbtable", "($sql) q").option("partitionColumn", "id")
                        .option("lowerBound", "0").option("upperBound", rows.toString()).option("numPartitions", "4").load()
                },
            )
            val lines = ArrayList<String>()
            for ((name, load) in variants) {
                val times = ArrayList<Double>()
                var statements = 0
                repeat(runs + 1) { i ->
                    val before = wh.admin.statements().size
                    val t0 = System.nanoTime()
                    val got = load().agg(count(lit(1)), sum(col("id")), sum(col("b")), sum(col("c"))).collectAsList().single()
                    val s = (System.nanoTime() - t0) / 1e9
                    check(got.getLong(0) == rows) { "$name: ${got.getLong(0)} rows, expected $rows" }
                    check(got.getLong(1) == rows * (rows - 1) / 2) { "$name: wrong sum of ids" }
                    statements = wh.admin.statements().size - before
                    System.err.println("$name ${if (i == 0) "warm-up" else "run $i"}: ${"%.2f".format(s)} s, $statements statements")
                    if (i > 0) times += s
                }
                val median = times.sorted()[times.size / 2]
                lines += "| $name | ${"%.2f".format(median)} | ${"%.0f".format(arrowBytes / MIB / median)} | $statements |"
            }
            val table = listOf(
                "Same run, same data: `$sql` (${"%,d".format(rows)} rows, ${"%.0f".format(arrowBytes / MIB)} MiB Arrow), " +
                    "`load()` + `agg(count, sum(id), sum(b), sum(c))`, Spark `local[4]`, median of $runs runs after a warm-up.",
                "",
                "| reader | seconds | MiB/s (Arrow) | statements executed |",
                "|---|---|---|---|",
            ) + lines
            println(table.joinToString("\n"))
            val out = Path.of(System.getProperty("bench.out", "benchmarks/target/spark-bench.md"))
            out.toAbsolutePath().parent?.let { Files.createDirectories(it) }
            Files.writeString(out, table.joinToString("\n") + "\n")
        } finally {
            spark.stop()
            dir.toFile().deleteRecursively()
        }
    }
}

private fun jdbc(spark: SparkSession, wh: LocalWarehouse): DataFrameReader =
    spark.read().format("jdbc").option("url", wh.jdbcUrl()).option("driver", "com.databricks.client.jdbc.Driver")
