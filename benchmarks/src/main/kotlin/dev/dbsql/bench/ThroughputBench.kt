
package dev.dbsql.bench

import dev.dbsql.core.DatabricksSqlClient
import dev.dbsql.core.ResultCompression
import dev.dbsql.core.StatementResult
import dev.dbsql.flow.ResultOptions
import org.apache.arrow.memory.RootAllocator

/**
 * P1 and its baselines on one result: raw parallel / single-stream download of the very same chunk
 * bytes (JDK HttpClient), the SDK's own download client without decoding, download + decode on one
 * thread, and the SDK's Flow. Variants run round-robin so that drift hits all of them alike.
 * Every value is MiB/s of Arrow data (uncompressed), so the series compare directly.
 */
class ThroughputBench(
    private val plan: Plan,
    private val client: DatabricksSqlClient,
    private val raw: RawHttp,
) {
    /** Batches per pass seen by the SDK (for the report's description of the result shape). */
    var batchesPerPass: Long = 0
        private set

    /**
     * Measures [result]; series ids get [suffix] (a second wire format of the same data). [only]
     * limits the variants (null: all).
     */
    fun run(result: StatementResult, suffix: String = "", only: Set<String>? = null): List<Measure> {
        val mib = result.arrowBytes / MIB
        val rows = result.manifest.totalRowCount
        val lz4 = result.manifest.compression == ResultCompression.LZ4_FRAME
        val n = plan.concurrency
        val options = ResultOptions(concurrency = n)
        // a variant fetches fresh links untimed (the raw baselines measure downloads only), then runs timed
        class Variant(val id: String, val label: String, val run: () -> Unit)
        fun fresh() = links(client, result)
        val variants = listOf(
            Variant("raw-par", "raw download, JDK HttpClient, $n parallel, bytes discarded") {
                val d = fresh().downloads()
                timedPart { raw.downloadAll(d, n) }
            },
            Variant("raw-single", "raw download, JDK HttpClient, 1 stream, bytes discarded") {
                val d = fresh().downloads()
                timedPart { raw.downloadAll(d, 1) }
            },
            Variant("ktor-par", "SDK download client (ktor CIO), $n parallel, bytes discarded, no decode") {
                val l = fresh()
                timedPart { ktorDownloadAll(client, l, n) }
            },
            Variant("decode-single", "download + LZ4 frame + Arrow IPC decode on 1 thread") {
                val d = fresh().downloads()
                RootAllocator().use { a ->
                    timedPart { check(raw.downloadAndDecode(d, lz4, a) == rows) { "decode baseline lost rows" } }
                }
            },
            Variant("sdk-flow", "SDK `batches()` Flow (links, download, decode), concurrency $n, default budget") {
                timedPart {
                    val s = readFlow(result, options)
                    check(s.rows == rows) { "SDK delivered ${s.rows} of $rows rows" }
                    batchesPerPass = s.batches
                }
            },
        )
        val format = if (lz4) "" else " (uncompressed Arrow on the wire)"
        val timed = variants.filter { only == null || it.id in only }
            .map { v -> Triple(v.id + suffix, v.label + format) { v.run(); lastSeconds } }
        val values = timed.associate { it.first to ArrayList<Double>() }
        for (round in -plan.warmups until plan.runs) {
            for ((id, _, body) in timed) {
                val s = body()
                val v = mib / s
                Log.info("  P1 ${if (round < 0) "warm-up" else "run ${round + 1}/${plan.runs}"} $id: ${fmt(v)} MiB/s (${fmt(s)} s)")
                if (round >= 0) values[id]!! += v
            }
        }
        return timed.map { (id, label, _) -> Measure(id, label, "MiB/s", values[id]!!, higherIsBetter = true) }
    }

    private var lastSeconds = 0.0

    private inline fun timedPart(block: () -> Unit) {
        lastSeconds = seconds(block)
    }
}
