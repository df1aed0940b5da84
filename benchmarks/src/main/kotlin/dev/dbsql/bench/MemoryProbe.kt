@file:JvmName("MemoryProbe")

package dev.dbsql.bench

import com.sun.management.GarbageCollectionNotificationInfo
import dev.dbsql.core.StatementHandle
import dev.dbsql.flow.ResultOptions
import dev.dbsql.flow.batches
import kotlinx.coroutines.runBlocking
import org.apache.arrow.memory.RootAllocator
import java.io.File
import java.lang.management.ManagementFactory
import java.lang.management.MemoryType
import java.util.concurrent.atomic.AtomicLong
import javax.management.NotificationEmitter
import javax.management.openmbean.CompositeData

/**
 * P3 probe, run in its own JVM: streams one existing result through the SDK with a given memory
 * budget and reports the process's peak RSS (VmHWM, reset after warm-up through
 * `/proc/self/clear_refs`), its RSS before streaming, the peak heap in use (pool peaks, garbage
 * included), the peak heap live after a GC, and the peak of Arrow memory (the SDK's allocator).
 *
 * Args: baseUrl token warehouseId handleJson budgetBytes concurrency label
 */
fun main(args: Array<String>) {
    val ep = Endpoint.fromArgs(args)
    val handle = StatementHandle.fromJson(args[3])
    val budget = args[4].toLong()
    val concurrency = args[5].toInt()
    val label = args[6]
    val liveAfterGc = AtomicLong()
    watchGcs(liveAfterGc)
    ep.client().use { client ->
        RootAllocator().use { root ->
            val options = ResultOptions(concurrency = concurrency, memoryBudgetBytes = budget, allocator = root)
            val result = runBlocking { client.await(handle) }
            // warm-up: load every class on the path and start the pools, on the first chunk only
            readFlow(result, options.copy(endChunk = 1))
            System.gc()
            Thread.sleep(200)
            val rssBefore = procStatus("VmRSS")
            resetPeaks()
            liveAfterGc.set(heapUsed())
            val t0 = System.nanoTime()
            var rows = 0L
            runBlocking { result.batches(options).collect { b -> b.use { rows += it.rowCount } } }
            val secs = (System.nanoTime() - t0) / 1e9
            check(rows == result.manifest.totalRowCount) { "read $rows of ${result.manifest.totalRowCount} rows" }
            val heapPeak = ManagementFactory.getMemoryPoolMXBeans().filter { it.type == MemoryType.HEAP }.sumOf { it.peakUsage.used }
            val rssPeak = procStatus("VmHWM")
            fun m(id: String, what: String, v: Double, unit: String = "MiB") = ChildJvm.emit(Measure("p3-$label-$id", what, unit, listOf(v)))
            m("rss-before", "RSS before streaming (client started, warmed up)", rssBefore / MIB)
            m("rss-peak", "peak RSS while streaming (VmHWM)", rssPeak / MIB)
            m("heap-peak", "peak heap in use (pool peaks, garbage included)", heapPeak / MIB)
            m("heap-live", "peak heap live after a GC", liveAfterGc.get() / MIB)
            m("arrow-peak", "peak Arrow memory of the stream (off-heap)", root.peakMemoryAllocation / MIB)
            m("seconds", "streaming time", secs, "s")
            m("arrow-mib", "Arrow bytes streamed", result.arrowBytes / MIB)
        }
    }
}

/** A `/proc/self/status` field in bytes (the kernel reports kB). */
internal fun procStatus(field: String): Double {
    val line = File("/proc/self/status").readLines().firstOrNull { it.startsWith("$field:") } ?: return Double.NaN
    return line.substringAfter(':').trim().substringBefore(' ').toDouble() * 1024
}

private fun heapUsed(): Long = ManagementFactory.getMemoryPoolMXBeans().filter { it.type == MemoryType.HEAP }.sumOf { it.usage.used }

private fun resetPeaks() {
    ManagementFactory.getMemoryPoolMXBeans().forEach { it.resetPeakUsage() }
    // "5" resets the peak RSS (VmHWM) to the current RSS (Linux >= 4.0)
    runCatching { File("/proc/self/clear_refs").writeText("5") }
        .onFailure { System.err.println("cannot reset VmHWM: $it (peak RSS then covers the warm-up too)") }
}

/** Keeps the largest heap in use right after any GC in [max]. */
private fun watchGcs(max: AtomicLong) {
    for (gc in ManagementFactory.getGarbageCollectorMXBeans()) {
        (gc as? NotificationEmitter)?.addNotificationListener({ n, _ ->
            if (n.type != GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION) return@addNotificationListener
            val info = GarbageCollectionNotificationInfo.from(n.userData as CompositeData)
            val after = info.gcInfo.memoryUsageAfterGc
            val heapPools = ManagementFactory.getMemoryPoolMXBeans().filter { it.type == MemoryType.HEAP }.map { it.name }.toSet()
            val used = after.filterKeys { it in heapPools }.values.sumOf { it.used }
            max.accumulateAndGet(used) { a, b -> maxOf(a, b) }
        }, null, null)
    }
}
