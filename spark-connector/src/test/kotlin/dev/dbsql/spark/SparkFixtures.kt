package dev.dbsql.spark

import dev.dbsql.core.DatabricksSqlClient
import dev.dbsql.core.clientConfig
import dev.dbsql.warehouse.LocalWarehouse
import dev.dbsql.warehouse.WarehouseConfig
import dev.dbsql.warehouse.admin.StatementRecord
import kotlinx.coroutines.delay
import org.apache.spark.sql.DataFrameReader
import org.apache.spark.sql.SparkSession
import java.nio.file.Files
import java.nio.file.Path

/**
 * One SparkSession for the whole test JVM (`local[4,3]`: four task threads, a failed task is tried
 * up to three times), UI off, bound to loopback; session time zone UTC, java.time values.
 */
object TestSpark {
    val session: SparkSession by lazy {
        SparkSession.builder()
            .master("local[4,3]")
            .appName("dbsql-spark-connector-tests")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.datetime.java8API.enabled", "true")
            .getOrCreate()
    }
}

/**
 * A local warehouse for a spec, with a `~/.databrickscfg`-style profile file holding its token,
 * so that the data source authenticates by reference (`profile` + `configFile`), as in production.
 */
class TestWarehouse(config: WarehouseConfig = WarehouseConfig()) : AutoCloseable {
    val wh: LocalWarehouse = LocalWarehouse.start(config)
    private val dir: Path = Files.createTempDirectory("dbsql-spark-test")
    val profileFile: Path = dir.resolve("databrickscfg").also {
        Files.writeString(it, "[spark-test]\nhost = ${wh.baseUrl}\ntoken = ${wh.token}\n")
    }

    /** `spark.read.format("dbsql")` with this warehouse's host, warehouse and profile. */
    fun reader(spark: SparkSession = TestSpark.session): DataFrameReader = spark.read().format("dbsql")
        .option("host", wh.baseUrl)
        .option("warehouse", wh.warehouseId)
        .option("profile", "spark-test")
        .option("configFile", profileFile.toString())

    /** The same options as a map (for driving the connector's classes directly). */
    fun options(vararg more: Pair<String, String>): Map<String, String> = mapOf(
        "host" to wh.baseUrl, "warehouse" to wh.warehouseId, "profile" to "spark-test", "configFile" to profileFile.toString(),
    ) + more

    /** An SDK client of this warehouse (PAT), for reference reads. */
    fun client(): DatabricksSqlClient = DatabricksSqlClient(clientConfig { host = wh.baseUrl; httpPath = wh.httpPath; auth = pat(wh.token) })

    /** Statements the warehouse received with exactly [sql]. */
    fun executions(sql: String): List<StatementRecord> = wh.admin.statementsWithText(sql)

    /** Waits (hang guard 30 s) until every statement with [sql] was closed by the client. */
    suspend fun awaitClosed(sql: String) {
        val deadline = System.nanoTime() + 30_000_000_000L
        while (!executions(sql).all { it.closeArrived }) {
            check(System.nanoTime() < deadline) { "statements not closed: ${executions(sql).map { it.id to it.state }}" }
            delay(20)
        }
    }

    override fun close() {
        wh.close()
        dir.toFile().deleteRecursively()
    }
}
