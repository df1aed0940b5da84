package dev.dbsql.bench

import dev.dbsql.core.DatabricksSqlClient
import dev.dbsql.flow.ResultOptions
import kotlinx.coroutines.runBlocking
import java.nio.file.Path

/**
 * The official peers on the main result's SQL, each in its own JVM: databricks-jdbc 3.4.5 in SEA
 * mode ([JdbcPeer]) and databricks-sdk-java + Arrow ([SdkJavaPeer]); then the SDK doing the same
 * (execute included) in this process. Should the driver fail to connect, the reason goes to
 * [SuiteOutcome.facts] and the goals compare against databricks-sdk-java instead.
 */
class PeerBench(private val plan: Plan, private val logDir: Path, private val outcome: SuiteOutcome) {
    private val limitMs = 15 * 60_000L

    fun run(ep: Endpoint, client: DatabricksSqlClient, sql: String, arrowBytes: Long) {
        val warmSql = Data.sql(Data.rowsFor(maxOf(plan.bigBytes / 8, 1L shl 20)))
        val warmups = (plan.warmups + 1).toString()
        val failures = ArrayList<Throwable>()
        runCatching {
            ChildJvm(
                "jdbc-peer", "dev.dbsql.bench.JdbcPeer",
                listOf(ep.jdbcUrl(), sql, warmSql, arrowBytes.toString(), warmups, plan.peerRuns.toString()),
                listOf("-Xmx2g"), logDir,
            ).use { child ->
                val results = runCatching { child.results(limitMs) }
                val peerError = child.lines().firstOrNull { it.startsWith("PEER-ERROR ") }
                if (peerError != null) {
                    outcome.facts["databricks-jdbc"] = "could not connect: ${peerError.removePrefix("PEER-ERROR ")}; the P1 peer goal uses databricks-sdk-java + Arrow"
                    Log.info("  databricks-jdbc could not connect: $peerError")
                } else {
                    outcome.add(results.getOrThrow())
                }
            }
        }.onFailure { failures += it }
        runCatching {
            ChildJvm(
                "sdk-java-peer", "dev.dbsql.bench.SdkJavaPeer",
                ep.args() + listOf(sql, warmSql, arrowBytes.toString(), warmups, plan.peerRuns.toString()),
                listOf("-Xmx2g"), logDir,
            ).use { outcome.add(it.results(limitMs)) }
        }.onFailure { failures += it }
        runCatching { outcome.add(listOf(sdkEndToEnd(client, sql, arrowBytes))) }.onFailure { failures += it }
        failures.firstOrNull()?.let { first ->
            failures.drop(1).forEach(first::addSuppressed)
            throw first
        }
    }

    /** The SDK doing what the peers do: execute the same SQL (server work included), then read. */
    private fun sdkEndToEnd(client: DatabricksSqlClient, sql: String, arrowBytes: Long): Measure {
        val e2e = ArrayList<Double>()
        repeat(plan.peerRuns) { i ->
            val s = seconds {
                val r = runBlocking { client.execute(sql) }
                check(readFlow(r, ResultOptions(concurrency = plan.concurrency)).rows == r.manifest.totalRowCount)
                runBlocking { client.close(r.handle) }
            }
            e2e += arrowBytes / MIB / s
            Log.info("  SDK e2e run ${i + 1}: ${fmt(arrowBytes / MIB / s)} MiB/s")
        }
        return Measure("sdk-e2e", "SDK `execute` + `batches()` (same SQL, server work included)", "MiB/s", e2e, higherIsBetter = true)
    }
}
