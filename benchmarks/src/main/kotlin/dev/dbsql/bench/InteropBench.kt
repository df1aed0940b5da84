package dev.dbsql.bench

import dev.dbsql.core.StatementHandle
import dev.dbsql.flow.ResultOptions
import dev.dbsql.java.DbsqlClient
import dev.dbsql.java.DbsqlClientConfig
import kotlinx.coroutines.runBlocking

/**
 * P6: the same result read through the Java facade's blocking `BatchIterator` and through the
 * Kotlin `Flow`, over the same underlying client and connections, alternating run by run.
 */
class InteropBench(private val plan: Plan, private val ep: Endpoint) {
    /** Measures both; then [profile] gets one more Java pass (unmeasured). */
    fun run(handle: StatementHandle, arrowBytes: Long, profile: (String, () -> Unit) -> Unit): List<Measure> {
        val config = DbsqlClientConfig.builder().host(ep.baseUrl).warehouseId(ep.warehouseId).token(ep.token).build()
        DbsqlClient.create(config).use { javaClient ->
            val javaResult = javaClient.await(handle).get()
            val kotlinResult = runBlocking { javaClient.kotlinClient.await(handle) }
            val rows = kotlinResult.manifest.totalRowCount
            val options = ResultOptions(concurrency = plan.concurrency)
            val mib = arrowBytes / MIB
            val java = ArrayList<Double>()
            val kotlin = ArrayList<Double>()
            for (round in -plan.warmups until plan.runs) {
                val j = seconds { check(JavaIteratorRead.read(javaResult, plan.concurrency) == rows) }
                val k = seconds { check(readFlow(kotlinResult, options).rows == rows) }
                Log.info("  P6 ${if (round < 0) "warm-up" else "run ${round + 1}"}: Java ${fmt(mib / j)} MiB/s, Kotlin ${fmt(mib / k)} MiB/s")
                if (round >= 0) {
                    java += mib / j
                    kotlin += mib / k
                }
            }
            profile("one Java `BatchIterator` pass") { check(JavaIteratorRead.read(javaResult, plan.concurrency) == rows) }
            return listOf(
                Measure("p6-java", "Java `BatchIterator` (blocking), concurrency ${plan.concurrency}", "MiB/s", java, higherIsBetter = true),
                Measure("p6-kotlin", "Kotlin `Flow`, same client, concurrency ${plan.concurrency}", "MiB/s", kotlin, higherIsBetter = true),
            )
        }
    }
}
