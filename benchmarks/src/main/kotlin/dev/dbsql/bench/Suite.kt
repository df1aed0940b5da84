@file:OptIn(dev.dbsql.core.DbsqlInternalApi::class)

package dev.dbsql.bench

import dev.dbsql.core.DatabricksSqlClient
import dev.dbsql.core.StatementResult
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import java.nio.file.Files
import java.nio.file.Path

/** Everything one run produced: the series, facts about the data, and sections that failed. */
class SuiteOutcome {
    val measures = LinkedHashMap<String, Measure>()
    val facts = LinkedHashMap<String, String>()
    val errors = LinkedHashMap<String, String>()

    fun add(list: List<Measure>) = list.forEach { measures[it.id] = it }
}

/**
 * Runs every measure of [plan] against a warehouse in its own JVM. A section that fails is recorded
 * in [SuiteOutcome.errors] and the rest still runs.
 */
class Suite(private val plan: Plan, private val workDir: Path, private val onStuck: () -> Unit = {}) {
    private val logDir = workDir.resolve("logs")
    private val spillDir = workDir.resolve("spill")
    val outcome = SuiteOutcome()
    private val watchdog = Watchdog(logDir, 60_000) { name ->
        outcome.errors[name] = "did not stop after its time limit; the run was aborted here"
        onStuck()
    }

    fun run() {
        spillDir.toFile().deleteRecursively()
        Files.createDirectories(spillDir)
        try {
            Log.info("starting the local warehouse (own JVM, -Xmx${plan.warehouseHeap})")
            WarehouseProcess(logDir, spillDir, plan.chunkBytes, plan.warehouseHeap).use { wh ->
                val ep = wh.endpoint
                ep.client().use { client ->
                    RawHttp().use { raw -> runAll(wh, ep, client, raw) }
                }
            }
        } catch (e: Throwable) {
            Log.info("!! the run failed: $e")
            outcome.errors["run"] = e.toString()
        } finally {
            watchdog.close()
            spillDir.toFile().deleteRecursively()
        }
    }

    /** Runs one section under the watchdog; a failure is recorded and the run goes on. True when it succeeded. */
    private fun section(name: String, block: () -> Unit): Boolean {
        Log.info("== $name")
        val (_, error) = watchdog.guard(name, plan.sectionMinutes * 60_000L, block)
        if (error != null) {
            Log.info("!! $name failed: $error")
            error.printStackTrace()
            outcome.errors[name] = error.toString()
        }
        return error == null
    }

    private fun execute(client: DatabricksSqlClient, bytes: Long): StatementResult {
        val sql = Data.sql(Data.rowsFor(bytes))
        var r: StatementResult? = null
        val s = seconds { r = runBlocking { client.execute(sql, options = Data.links) } }
        val result = r!!
        val wire = result.manifest.chunks.size
        Log.info("  executed `$sql`: ${fmt(s)} s, ${result.manifest.totalChunkCount} chunks ($wire listed), ${fmt(result.arrowBytes / MIB)} MiB Arrow")
        return result
    }

    private fun runAll(wh: WarehouseProcess, ep: Endpoint, client: DatabricksSqlClient, raw: RawHttp) {
        val sqlBig = Data.sql(Data.rowsFor(plan.bigBytes))
        var main: StatementResult? = null
        if (!section("main result: $sqlBig") { main = execute(client, plan.bigBytes).also { describe(client, it) } }) return
        val big = main!!
        section("serving") { outcome.add(ServingBench(plan, client, raw, workDir, logDir).run(big)) }
        section("P1 + baselines") {
            val bench = ThroughputBench(plan, client, raw)
            outcome.add(bench.run(big))
            outcome.facts["batches per pass (SDK)"] = bench.batchesPerPass.toString()
        }
        section("P6 Java vs Kotlin") { outcome.add(InteropBench(plan, ep).run(big.handle, big.arrowBytes)) }
        section("P7 faults") {
            val bench = FaultBench(plan, wh)
            outcome.add(bench.run(big))
            outcome.facts["P7 straggler delay"] = "${bench.delayMillis} ms"
        }
        val latency = LatencyBench(plan, wh, client, raw)
        section("P2 SELECT 1") { outcome.add(latency.selectOne()) }
        section("P4 completion notice") { outcome.add(latency.completionNotice()) }
        section("P1 peer: databricks-jdbc") { peer(ep, client, sqlBig, big.arrowBytes) }
        section("P3 memory") { memory(ep, client, big) }
        runCatching { runBlocking { withTimeout(60_000) { client.close(big.handle) } } }
        section("P5 concurrency") { concurrency(ep, client) }
    }

    private fun describe(client: DatabricksSqlClient, r: StatementResult) {
        val links = links(client, r)
        val wire = links.sumOf { it.byteCount }
        outcome.facts["main result rows"] = "%,d".format(r.manifest.totalRowCount)
        outcome.facts["main result Arrow MiB (manifest)"] = fmt(r.arrowBytes / MIB)
        outcome.facts["main result wire MiB (${r.manifest.compression})"] = fmt(wire / MIB)
        outcome.facts["main result chunks"] = "${r.manifest.totalChunkCount} (≈ ${fmt(r.arrowBytes / MIB / r.manifest.totalChunkCount)} MiB Arrow each)"
    }

    private fun peer(ep: Endpoint, client: DatabricksSqlClient, sql: String, arrowBytes: Long) {
        val warmSql = Data.sql(Data.rowsFor(maxOf(plan.bigBytes / 8, 1L shl 20)))
        val child = ChildJvm(
            "jdbc-peer", "dev.dbsql.bench.JdbcPeer",
            listOf(ep.jdbcUrl(), sql, warmSql, arrowBytes.toString(), (plan.warmups + 1).toString(), plan.peerRuns.toString()),
            listOf("-Xmx2g"), logDir,
        )
        child.use {
            val peerError = runCatching { child.awaitLine(15 * 60_000L) { it.startsWith("PEER-ERROR ") } }.getOrNull()
            if (peerError != null) {
                outcome.facts["databricks-jdbc"] = "could not connect: ${peerError.removePrefix("PEER-ERROR ")}"
                error("databricks-jdbc could not connect: $peerError")
            }
            outcome.add(child.results(15 * 60_000L))
        }
        // the SDK doing the same: execute the same SQL (server work included), then read
        val e2e = ArrayList<Double>()
        repeat(plan.peerRuns) { i ->
            val s = seconds {
                val r = runBlocking { client.execute(sql) }
                check(readFlow(r, dev.dbsql.flow.ResultOptions(concurrency = plan.concurrency)).rows == r.manifest.totalRowCount)
                runBlocking { client.close(r.handle) }
            }
            e2e += arrowBytes / MIB / s
            Log.info("  SDK e2e run ${i + 1}: ${fmt(arrowBytes / MIB / s)} MiB/s")
        }
        outcome.add(listOf(Measure("sdk-e2e", "SDK `execute` + `batches()` (same SQL, server work included)", "MiB/s", e2e, higherIsBetter = true)))
    }

    private fun memory(ep: Endpoint, client: DatabricksSqlClient, small: StatementResult) {
        probeMemory(ep, small, "small")
        val free = spillDir.toFile().usableSpace
        // LZ4 keeps this data at well under the Arrow size; ask for the full Arrow size to be safe
        if (free < plan.hugeBytes + (2L shl 30)) {
            outcome.facts["P3 large result"] = "skipped: ${free shr 30} GiB free in $spillDir"
            error("not enough disk for the ${Goals.sizeText(plan.hugeBytes)} result")
        }
        val huge = execute(client, plan.hugeBytes)
        outcome.facts["P3 large result chunks"] = "${huge.manifest.totalChunkCount}, ${fmt(huge.arrowBytes / MIB)} MiB Arrow"
        try {
            probeMemory(ep, huge, "large")
        } finally {
            runBlocking { client.close(huge.handle) }
        }
    }

    private fun probeMemory(ep: Endpoint, r: StatementResult, label: String) {
        ChildJvm(
            "memory-$label", "dev.dbsql.bench.MemoryProbe",
            ep.args() + listOf(r.handle.toJson(), plan.p3BudgetBytes.toString(), plan.concurrency.toString(), label),
            listOf("-Xmx4g"), logDir,
        ).use { outcome.add(it.results(20 * 60_000L)) }
    }

    private fun concurrency(ep: Endpoint, client: DatabricksSqlClient) {
        val results = List(plan.streams) { execute(client, plan.streamBytes) }
        try {
            val file = workDir.resolve("p5-handles.jsonl")
            Files.write(file, results.map { it.handle.toJson() })
            ChildJvm(
                "concurrency", "dev.dbsql.bench.ConcurrencyProbe",
                ep.args() + listOf(file.toString(), plan.concurrency.toString(), plan.warmups.toString(), plan.runs.toString()),
                listOf("-Xmx2g"), logDir,
            ).use { outcome.add(it.results(20 * 60_000L)) }
            outcome.facts["P5 results"] = "${plan.streams} statements × ${fmt(results[0].arrowBytes / MIB)} MiB Arrow, ${results[0].manifest.totalChunkCount} chunks each"
        } finally {
            runBlocking { results.forEach { client.close(it.handle) } }
        }
    }
}
