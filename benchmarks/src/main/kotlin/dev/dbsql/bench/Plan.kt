package dev.dbsql.bench

/**
 * Sizes and repetitions of one run. [full] is what `docs/benchmarks.md` reports; [quick] keeps
 * every measure working on tiny sizes (CI), its numbers mean nothing.
 */
data class Plan(
    val quick: Boolean,
    /** Arrow size of the main result (P1, P6, P7, baselines, serving). */
    val bigBytes: Long,
    /** Arrow size of the large P3 result (the small one is [bigBytes]). */
    val hugeBytes: Long,
    /** The warehouse's `--chunk-bytes` (uncompressed bytes per chunk). */
    val chunkBytes: Long,
    val warmups: Int,
    val runs: Int,
    /** Download concurrency of the SDK and of the parallel raw baselines. */
    val concurrency: Int = 8,
    /** P2: measured / warm-up round trips per variant. */
    val p2Ops: Int,
    val p2Warmup: Int,
    /** P4: statements measured and the longest target duration. */
    val p4Samples: Int,
    val p4MaxMillis: Long,
    /** P5: concurrent streams and Arrow size of each one's result. */
    val streams: Int = 32,
    val streamBytes: Long,
    /** P3: the memory budget given to the SDK. */
    val p3BudgetBytes: Long,
    /** Peer (JDBC) and SDK end-to-end runs on [bigBytes]. */
    val peerRuns: Int,
    val warehouseHeap: String,
    /** Time limit of one section: past it the watchdog dumps threads and interrupts it. */
    val sectionMinutes: Long,
) {
    companion object {
        private const val MB = 1024L * 1024

        val full = Plan(
            quick = false,
            bigBytes = 1024 * MB,
            hugeBytes = 8192 * MB,
            chunkBytes = 16 * MB,
            warmups = 1,
            runs = 5,
            p2Ops = 400,
            p2Warmup = 300,
            p4Samples = 20,
            p4MaxMillis = 2_000,
            streamBytes = 64 * MB,
            p3BudgetBytes = 64 * MB,
            peerRuns = 3,
            warehouseHeap = "2g",
            sectionMinutes = 25,
        )

        val quick = Plan(
            quick = true,
            bigBytes = 8 * MB,
            hugeBytes = 24 * MB,
            chunkBytes = 1 * MB,
            warmups = 1,
            runs = 2,
            p2Ops = 20,
            p2Warmup = 10,
            p4Samples = 3,
            p4MaxMillis = 200,
            streamBytes = 2 * MB,
            p3BudgetBytes = 4 * MB,
            peerRuns = 1,
            warehouseHeap = "1g",
            sectionMinutes = 3,
        )
    }
}
