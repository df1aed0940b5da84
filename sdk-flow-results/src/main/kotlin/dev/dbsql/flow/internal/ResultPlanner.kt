
package dev.dbsql.flow.internal

import dev.dbsql.core.ChunkInfo
import dev.dbsql.core.ResultCompression
import dev.dbsql.core.ResultFormat
import dev.dbsql.core.ResultManifest
import dev.dbsql.core.StatementResult
import dev.dbsql.core.internal.ResultData
import dev.dbsql.core.internal.configuredTimeZone
import dev.dbsql.core.internal.downloadConcurrencyCap
import dev.dbsql.core.internal.downloadHttpClient
import dev.dbsql.core.internal.fetchResultData
import dev.dbsql.core.internal.initialResultData
import dev.dbsql.flow.IncompleteResultException
import dev.dbsql.flow.ResultOptions
import dev.dbsql.flow.UnsupportedResultFormatException
import dev.dbsql.flow.internal.arrow.IpcDecoder
import dev.dbsql.flow.internal.json.ColumnType
import dev.dbsql.flow.internal.json.SqlArrowSchema
import dev.dbsql.flow.internal.json.JsonArrowConverter
import dev.dbsql.flow.internal.json.JsonStreamDecoder
import dev.dbsql.flow.internal.json.TimestampZones
import dev.dbsql.flow.internal.pipeline.ChunkProducer
import dev.dbsql.flow.internal.pipeline.ChunkSpec
import dev.dbsql.flow.internal.source.DownloadHedge
import dev.dbsql.flow.internal.source.ExternalLinkProducer
import dev.dbsql.flow.internal.source.InlineArrowProducer
import dev.dbsql.flow.internal.source.InlineJsonProducer
import dev.dbsql.flow.internal.source.LinkCache
import org.apache.arrow.memory.BufferAllocator
import org.apache.arrow.vector.VectorSchemaRoot
import java.time.Duration

/** What one stream reads: its units of work in order, who produces them, and how many at once. */
internal class ResultPlan(
    val chunks: List<ChunkSpec>,
    val producer: ChunkProducer,
    val concurrency: Int,
    val startChunk: Int,
    val endChunk: Int,
    /** Rows the stream must deliver in total, when the manifest says. */
    val expectedRows: Long?,
    /**
     * All data is already in memory (a single inline chunk, in hand when planning): decoding it is
     * short CPU work that runs in the collector's thread, without a hop to the download pool.
     */
    val inMemory: Boolean = false,
)

/**
 * Checks a result's manifest (truncation, counts that must add up), finds out how its data is
 * delivered (inline JSON, inline Arrow attachment, external links), and plans the stream.
 */
internal object ResultPlanner {
    private const val DEFAULT_CHUNK_BYTES = 16L * 1024 * 1024

    /** Vectors of no rows (holding no buffer) with the manifest's columns as Arrow types. */
    fun emptyRoot(m: ResultManifest, allocator: BufferAllocator): VectorSchemaRoot {
        val columns = m.columns.map { ColumnType(it.name, it.typeName, it.typeText, it.precision, it.scale, it.intervalType) }
        return VectorSchemaRoot.create(SqlArrowSchema.schema(columns), allocator).apply { rowCount = 0 }
    }

    suspend fun plan(result: StatementResult, options: ResultOptions): ResultPlan? {
        val m = result.manifest
        val id = result.statementId
        if (m.format == ResultFormat.CSV) {
            throw UnsupportedResultFormatException("CSV results are not supported; execute with format ARROW_STREAM or JSON_ARRAY", id)
        }
        if (m.truncated && !options.allowTruncated) {
            throw IncompleteResultException(
                "statement $id: the server truncated the result to ${m.totalRowCount} rows (row or byte limit); " +
                    "set ResultOptions.allowTruncated to read it anyway", id, expectedRows = null, actualRows = m.totalRowCount,
            )
        }
        val infos = chunkInfos(m, id, options.allowTruncated)
        val total = m.totalChunkCount
        require(options.startChunk <= total) { "startChunk ${options.startChunk} is past the result's $total chunks" }
        val end = minOf(options.endChunk ?: total, total)
        val start = options.startChunk
        if (start >= end) return null

        val fetch: suspend (Int) -> ResultData = { result.client.fetchResultData(id, it) }
        var first = result.initialResultData?.takeIf { hasData(it) }
        if (first == null) first = fetch(start)
        val lz4 = m.compression == ResultCompression.LZ4_FRAME
        val expected = infos?.let { list -> (start until end).sumOf { list[it].rowCount } }
            ?: m.totalRowCount.takeIf { start == 0 && end == total }
        // a single inline chunk already in hand (only used by the inline plans)
        val inMemory = end == start + 1 && (first.chunkIndex ?: 0) == start
        val columns = m.columns.map { ColumnType(it.name, it.typeName, it.typeText, it.precision, it.scale, it.intervalType) }
        val jsonZone = TimestampZones.named(result.configuredTimeZone) ?: TimestampZones.fromJsonRows(columns, first.dataArray)

        fun spec(i: Int, reserve: Long) = ChunkSpec(i, infos?.get(i)?.rowOffset ?: 0, infos?.get(i)?.rowCount, reserve)

        return when {
            first.externalLinks.isNotEmpty() -> {
                val links = LinkCache(
                    id, { fetch(it).externalLinks }, first.externalLinks, end,
                    Duration.ofMillis(options.linkExpiryMargin.inWholeMilliseconds), options.linkPrefetch,
                )
                val json = if (m.format == ResultFormat.JSON_ARRAY) JsonStreamDecoder(JsonArrowConverter(columns, jsonZone), options.jsonBatchRows) else null
                val producer = ExternalLinkProducer(
                    id, { host -> result.client.downloadHttpClient(host) }, links,
                    DownloadHedge(options.hedgeSlowDownloads?.let { Duration.ofMillis(it.inWholeMilliseconds) }),
                    options.dispatcher,
                    Duration.ofMillis(options.downloadIdleTimeout.inWholeMilliseconds),
                    Duration.ofMillis(options.chunkTimeout.inWholeMilliseconds),
                ) { input, skip, alloc, sink ->
                    json?.decode(input, lz4, alloc, skip, sink) ?: IpcDecoder.decode(input, lz4, alloc, skip, sink)
                }
                val average = m.totalByteCount?.takeIf { total > 0 }?.let { it / total } ?: DEFAULT_CHUNK_BYTES
                val chunks = (start until end).map { spec(it, infos?.get(it)?.byteCount ?: average) }
                val concurrency = result.client.downloadConcurrencyCap?.let { minOf(it, options.concurrency) } ?: options.concurrency
                ResultPlan(chunks, producer, concurrency, start, end, expected)
            }
            first.attachment != null -> {
                val firstRow = infos?.get(start)?.rowOffset ?: 0
                val rows = expected ?: Long.MAX_VALUE
                val bytes = m.totalByteCount ?: infos?.sumOf { it.byteCount ?: 0 } ?: 0
                val producer = InlineArrowProducer(id, fetch, first, end, lz4, firstRow, rows)
                val unit = ChunkSpec(start, firstRow, expected, bytes, endIndex = end)
                ResultPlan(listOf(unit), producer, 1, start, end, expected, inMemory)
            }
            else -> {
                if (m.format != ResultFormat.JSON_ARRAY && first.dataArray != null) {
                    throw UnsupportedResultFormatException("inline rows of a ${m.format} result", id)
                }
                val producer = InlineJsonProducer(id, fetch, first, JsonArrowConverter(columns, jsonZone), options.jsonBatchRows)
                ResultPlan((start until end).map { spec(it, 0) }, producer, minOf(2, options.concurrency), start, end, expected, inMemory)
            }
        }
    }

    private fun hasData(d: ResultData): Boolean = d.externalLinks.isNotEmpty() || d.attachment != null || d.dataArray != null

    /**
     * The manifest's chunks by index, checked: indices 0 until total_chunk_count, contiguous row
     * offsets, rows adding up to total_row_count. Null when the manifest lists no chunks.
     */
    private fun chunkInfos(m: ResultManifest, id: String, lenient: Boolean): List<ChunkInfo>? {
        if (m.chunks.isEmpty()) return null
        val sorted = m.chunks.sortedBy { it.chunkIndex }
        var problem: String? = null
        if (sorted.size != m.totalChunkCount || sorted.withIndex().any { (i, c) -> c.chunkIndex != i }) {
            problem = "the manifest lists chunks ${sorted.map { it.chunkIndex }} but total_chunk_count is ${m.totalChunkCount}"
        } else {
            var offset = 0L
            for (c in sorted) {
                if (c.rowOffset != offset) {
                    problem = "chunk ${c.chunkIndex} starts at row ${c.rowOffset}, expected $offset"
                    break
                }
                offset += c.rowCount
            }
            if (problem == null && offset != m.totalRowCount) {
                problem = "the manifest's chunks hold $offset rows but total_row_count is ${m.totalRowCount}"
            }
        }
        if (problem != null) {
            if (lenient) return null
            throw IncompleteResultException("statement $id: $problem", id, expectedRows = m.totalRowCount)
        }
        return sorted
    }
}
