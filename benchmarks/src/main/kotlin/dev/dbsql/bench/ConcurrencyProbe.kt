@file:JvmName("ConcurrencyProbe")

package dev.dbsql.bench

import dev.dbsql.core.StatementHandle
import dev.dbsql.core.StatementResult
import dev.dbsql.flow.ResultOptions
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.runBlocking
import java.io.File
import java.lang.management.ManagementFactory

/**
 * P5 probe, run in its own JVM (so its thread count is its own): one client reads one result
 * alone, then all results at once, one coroutine each. Reports single-stream and aggregate
 * throughput (MiB/s of Arrow data) and the peak live thread count of each phase.
 *
 * Args: baseUrl token warehouseId handlesFile concurrency warmups runs
 */
fun main(args: Array<String>) {
    val ep = Endpoint.fromArgs(args)
    val handles = File(args[3]).readLines().filter { it.isNotBlank() }.map { StatementHandle.fromJson(it) }
    val concurrency = args[4].toInt()
    val warmups = args[5].toInt()
    val runs = args[6].toInt()
    val threads = ManagementFactory.getThreadMXBean()
    val options = ResultOptions(concurrency = concurrency)
    ep.client().use { client ->
        val results: List<StatementResult> = runBlocking { handles.map { client.await(it) } }
        val idle = threads.threadCount
        fun one(r: StatementResult): Double {
            val s = seconds { check(readFlow(r, options).rows == r.manifest.totalRowCount) }
            return r.arrowBytes / MIB / s
        }
        fun all(): Double {
            val total = results.sumOf { it.arrowBytes } / MIB
            val s = seconds {
                // one coroutine per stream on one event-loop thread: the SDK's own threads do the work
                runBlocking {
                    results.map { r -> async { check(collectFlow(r, options).rows == r.manifest.totalRowCount) } }.awaitAll()
                }
            }
            return total / s
        }
        repeat(warmups) { one(results[0]) }
        threads.resetPeakThreadCount()
        val single = List(runs * 2) { one(results[it % results.size]) }
        val singlePeak = threads.peakThreadCount
        repeat(warmups) { all() }
        threads.resetPeakThreadCount()
        val many = List(runs) { all() }
        val manyPeak = threads.peakThreadCount
        // one more pass, unmeasured, sampling who the threads are
        val names = ThreadCensus().use { census -> all(); census.largest() }
        val n = results.size
        ChildJvm.emit(Measure("p5-single", "1 stream alone", "MiB/s", single, higherIsBetter = true))
        ChildJvm.emit(Measure("p5-aggregate", "$n streams at once, aggregate", "MiB/s", many, higherIsBetter = true))
        ChildJvm.emit(Measure("p5-threads-idle", "live threads, client idle", "threads", listOf(idle.toDouble())))
        ChildJvm.emit(Measure("p5-threads-single", "peak live threads, 1 stream", "threads", listOf(singlePeak.toDouble())))
        ChildJvm.emit(Measure("p5-threads-many", "peak live threads, $n streams", "threads", listOf(manyPeak.toDouble()), note = "largest census: $names"))
    }
}

/** Samples the live threads every 100 ms; [largest] is the biggest sample, grouped by name pattern. */
private class ThreadCensus : AutoCloseable {
    @Volatile private var best: List<String> = emptyList()
    private val sampler = Thread({
        try {
            while (true) {
                val now = Thread.getAllStackTraces().keys.map { it.name }
                if (now.size > best.size) best = now
                Thread.sleep(100)
            }
        } catch (_: InterruptedException) {
        }
    }, "thread-census").apply { isDaemon = true; start() }

    fun largest(): String = best.groupingBy { it.replace(Regex("\\d+"), "#") }.eachCount()
        .entries.sortedByDescending { it.value }.joinToString(", ") { "${it.key} × ${it.value}" }

    override fun close() {
        sampler.interrupt()
    }
}
