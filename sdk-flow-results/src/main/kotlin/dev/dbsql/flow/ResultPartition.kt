@file:JvmName("ResultPartitions")

package dev.dbsql.flow

import dev.dbsql.core.DatabricksSqlClient
import dev.dbsql.core.StatementHandle
import dev.dbsql.core.StatementResult
import dev.dbsql.core.internal.resultOf
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.emitAll
import kotlinx.coroutines.flow.flow
import kotlinx.serialization.Serializable

/**
 * A contiguous range of chunks [startChunk] until [endChunk] of one result, serializable so that it
 * can be shipped to another process or machine and read there with [readPartition] by a client
 * configured for the same warehouse. Holds no credentials: [handle] is the statement handle's JSON.
 *
 * @property index this partition's position among [count] partitions (their union is the result).
 * @property rowOffset / [rowCount] the rows it covers, when the manifest says.
 * @property byteCount its uncompressed size, when the manifest says.
 */
@Serializable
public data class ResultPartition(
    val handle: String,
    val index: Int,
    val count: Int,
    val startChunk: Int,
    val endChunk: Int,
    val rowOffset: Long,
    val rowCount: Long,
    val byteCount: Long?,
)

/**
 * Splits this result into at most [n] partitions of whole, contiguous chunks, balanced by
 * uncompressed bytes (or rows when sizes are unknown). Fewer when there are fewer chunks; a result
 * without chunks gives one empty partition. Reading all of them yields exactly the result's rows.
 * Makes no request.
 */
public fun StatementResult.partitions(n: Int): List<ResultPartition> {
    require(n >= 1) { "n must be at least 1, was $n" }
    val handleJson = StatementHandle.fromJson(handle.toJson()).copy(progress = emptyMap()).toJson()
    val chunks = manifest.chunks.sortedBy { it.chunkIndex }
    val total = manifest.totalChunkCount
    if (chunks.size != total || total == 0) {
        return listOf(ResultPartition(handleJson, 0, 1, 0, total, 0, manifest.totalRowCount, manifest.totalByteCount))
    }
    val weights = chunks.map { it.byteCount ?: it.rowCount }
    val sum = weights.sum().coerceAtLeast(1)
    val parts = minOf(n, total)
    val bounds = ArrayList<Int>(parts + 1).apply { add(0) }
    var acc = 0L
    for (i in 0 until total) {
        acc += weights[i]
        val remainingChunks = total - (i + 1)
        val remainingParts = parts - bounds.size
        if (remainingParts == 0) break
        if (remainingChunks > 0 && (acc * parts >= sum * bounds.size || remainingChunks == remainingParts)) bounds.add(i + 1)
    }
    bounds.add(total)
    return bounds.zipWithNext().mapIndexed { k, (s, e) ->
        val range = chunks.subList(s, e)
        ResultPartition(
            handleJson, k, bounds.size - 1, s, e, range.first().rowOffset, range.sumOf { it.rowCount },
            if (range.all { it.byteCount != null }) range.sumOf { it.byteCount!! } else null,
        )
    }
}

/**
 * Reads one [ResultPartition] (possibly made in another process): waits for its statement,
 * then streams chunks `startChunk until endChunk` like [batches] with [options] (whose chunk range
 * is replaced). Cold: nothing is requested before collection.
 */
public fun DatabricksSqlClient.readPartition(partition: ResultPartition, options: ResultOptions = ResultOptions()): Flow<RecordBatch> =
    flow {
        val result = resultOf(StatementHandle.fromJson(partition.handle))
        emitAll(result.batches(options.copy(startChunk = partition.startChunk, endChunk = partition.endChunk)))
    }
