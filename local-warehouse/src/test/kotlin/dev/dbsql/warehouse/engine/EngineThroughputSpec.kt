package dev.dbsql.warehouse.engine

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe

/**
 * Throughput of [EngineContext.run] for ~1 GiB ARROW_STREAM results. Not part of the normal suite:
 * runs only with `-Dengine.bench=1` and prints its figures.
 */
class EngineThroughputSpec : FunSpec({
    val enabled = System.getProperty("engine.bench") != null

    fun measure(engine: DuckDbEngine, label: String, sql: String, options: RunOptions) {
        engine.openContext().use { ctx ->
            val t0 = System.nanoTime()
            ctx.run(sql, emptyList(), options).use { r ->
                val s = (System.nanoTime() - t0) / 1e9
                val mib = r.totalBytes / 1048576.0
                val stored = r.chunks.sumOf { it.storedByteCount } / 1048576.0
                println(String.format("%-44s rows=%d chunks=%d %.0f MiB (stored %.0f MiB) in %.2f s: %.1f M rows/s, %.0f MiB/s",
                    label, r.totalRows, r.chunks.size, mib, stored, s, r.totalRows / s / 1e6, mib / s))
            }
        }
        engine.allocatedBytes shouldBe 0
    }

    test("1 GiB ARROW_STREAM results").config(enabled = enabled) {
        DuckDbEngine(EngineSettings(createSamples = false)).use { e ->
            val big = RunOptions(ResultFormat.ARROW_STREAM, chunkRows = 2_000_000, chunkBytes = 16L shl 20)
            measure(e, "warm-up range(10M)", "SELECT * FROM range(10000000)", big)
            measure(e, "range(134217728), 16 MiB chunks", "SELECT * FROM range(134217728)", big)
            measure(e, "range(134217728), 16 MiB chunks, LZ4", "SELECT * FROM range(134217728)", big.copy(lz4 = true))
            measure(e, "range(134217728), default options", "SELECT * FROM range(134217728)", RunOptions(ResultFormat.ARROW_STREAM))
            val wide = "SELECT id, CAST(id AS DOUBLE) / 3 AS d, 'value-' || CAST(id % 100000 AS VARCHAR) AS s, CAST(id % 1000 AS INT) AS i FROM range(30000000)"
            measure(e, "4 columns x 30M rows, 16 MiB chunks", wide, big)
            measure(e, "4 columns x 30M rows, 16 MiB chunks, LZ4", wide, big.copy(lz4 = true))
            measure(e, "range(10M) JSON_ARRAY", "SELECT * FROM range(10000000)", RunOptions(ResultFormat.JSON_ARRAY, chunkRows = 1_000_000))
        }
    }
})
