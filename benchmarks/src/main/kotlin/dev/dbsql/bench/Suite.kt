
package dev.dbsql.bench

import dev.dbsql.core.DatabricksSqlClient
import dev.dbsql.core.ExecuteOptions
import dev.dbsql.core.ResultCompression
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
    /** Where the time went in an extra, unmeasured pass (JFR summaries), by what was profiled. */
    val profiles = LinkedHashMap<String, String>()

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
    private val profiler = Profiler(logDir)
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

    private fun execute(client: DatabricksSqlClient, bytes: Long, options: ExecuteOptions = Data.links): StatementResult {
        val sql = Data.sql(Data.rowsFor(bytes))
        var r: StatementResult? = null
        val s = seconds { r = runBlocking { client.execute(sql, options = options) } }
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
            outcome.profiles["P1: one SDK Flow pass over the main result"] = profiler.profile("p1-sdk-flow") {
                check(readFlow(big, dev.dbsql.flow.ResultOptions(concurrency = plan.concurrency)).rows == big.manifest.totalRowCount)
            }
        }
        section("P1 without LZ4") {
            val plain = execute(client, plan.bigBytes, Data.links.copy(compression = ResultCompression.NONE))
            try {
                outcome.add(ThroughputBench(plan, client, raw).run(plain, "-plain", setOf("raw-par", "raw-single", "sdk-flow")))
            } finally {
                runBlocking { client.close(plain.handle) }
            }
        }
        section("P6 Java vs Kotlin") {
            outcome.add(InteropBench(plan, ep).run(big.handle, big.arrowBytes) { what, block -> outcome.profiles["P6: $what"] = profiler.profile("p6", block) })
        }
        section("P7 faults") {
            val bench = FaultBench(plan, wh)
            outcome.add(bench.run(big))
            outcome.facts["P7 straggler delay"] = "${bench.delayMillis} ms"
        }
        val latency = LatencyBench(plan, wh, client, raw)
        section("P2 SELECT 1") {
            outcome.add(latency.selectOne { what, block -> outcome.profiles["P2: $what"] = profiler.profile("p2", block) })
        }
        section("P4 completion notice") { outcome.add(latency.completionNotice()) }
        section("P1 peers: databricks-jdbc, databricks-sdk-java") { PeerBench(plan, logDir, outcome).run(ep, client, sqlBig, big.arrowBytes) }
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

    private fun memory(ep: Endpoint, client: DatabricksSqlClient, small: StatementResult) {
        outcome.facts["P3 probe JVMs"] = "-Xmx4g, default G1 (RSS growth includes heap the GC chose to grow, not only what the SDK holds)"
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
