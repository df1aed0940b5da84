package dev.dbsql.samples

import dev.dbsql.core.DatabricksSqlClient
import dev.dbsql.flow.ResultOptions
import dev.dbsql.flow.batches
import org.apache.arrow.vector.BigIntVector
import kotlin.time.measureTime

/**
 * Streams a result of two million rows as Arrow batches with bounded memory, reporting progress
 * per chunk. Each batch is closed right after use, which lets the stream fetch the next chunks.
 */
suspend fun main() {
    SampleTarget.open().use { target ->
        DatabricksSqlClient(target.config).use { client ->
            val result = client.execute("SELECT id, id % 1000 AS bucket FROM range(2000000)")
            println("${result.manifest.totalRowCount} rows in ${result.manifest.totalChunkCount} chunks")

            val options = ResultOptions(
                memoryBudgetBytes = 64L * 1024 * 1024,
                onProgress = { p -> println("  chunk ${p.nextChunk}/${p.endChunk}: ${p.rowsDelivered} rows so far") },
            )
            var rows = 0L
            var sum = 0L
            val elapsed = measureTime {
                result.batches(options).collect { batch ->
                    batch.use {
                        val ids = it.column<BigIntVector>("id")
                        for (i in 0 until it.rowCount) sum += ids.get(i)
                        rows += it.rowCount
                    }
                }
            }
            println("streamed $rows rows (sum of ids $sum) in ${elapsed.inWholeMilliseconds} ms")
            result.close()
        }
    }
}
