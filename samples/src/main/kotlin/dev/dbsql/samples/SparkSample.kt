package dev.dbsql.samples

import org.apache.spark.sql.SparkSession
import java.nio.file.Files

/**
 * Reads a warehouse table into Apache Spark with the `dbsql` data source: the query runs once on
 * the warehouse, Spark's tasks download its result chunks in parallel. Credentials are named, not
 * given: against a workspace the `DATABRICKS_*` variables or `~/.databrickscfg` (the default chain,
 * resolved again on every executor); against the embedded warehouse a profile file made here.
 */
fun main() {
    SampleTarget.open().use { target ->
        val auth = if (target.isEmbedded) embeddedProfile(target) else mapOf("auth" to "default-chain")
        val spark = SparkSession.builder().master("local[2]").appName("dbsql-spark-sample")
            .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate()
        try {
            val orders = spark.read().format("dbsql")
                .option("host", target.host).option("warehouse", target.warehouseId).options(auth)
                .option("dbtable", "samples.tpch.orders")
                .load()
            println("${orders.count()} orders")
            orders.groupBy("o_orderstatus").count().orderBy("o_orderstatus").collectAsList().forEach { row ->
                println("status ${row.getString(0)}: ${row.getLong(1)} orders")
            }
        } finally {
            spark.stop()
        }
    }
}

/** A `~/.databrickscfg`-style profile for the embedded warehouse (deleted when the JVM exits). */
private fun embeddedProfile(target: SampleTarget): Map<String, String> {
    val file = Files.createTempFile("databrickscfg-", ".ini").toFile().apply { deleteOnExit() }
    val token = target.auth.let { it as dev.dbsql.auth.AuthConfig.Pat }.token.resolve()
    file.writeText("[sample]\nhost = ${target.host}\ntoken = $token\n")
    return mapOf("profile" to "sample", "configFile" to file.path)
}
