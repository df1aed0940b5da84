package dev.dbsql.warehouse.results

import dev.dbsql.warehouse.WarehouseConfig
import dev.dbsql.warehouse.api.ApiErrors
import dev.dbsql.warehouse.api.ApiJson
import dev.dbsql.warehouse.api.ChunkInfo
import dev.dbsql.warehouse.api.ColumnInfo
import dev.dbsql.warehouse.api.Disposition
import dev.dbsql.warehouse.api.ResultData
import dev.dbsql.warehouse.api.ResultManifest
import dev.dbsql.warehouse.api.ResultSchema
import dev.dbsql.warehouse.engine.ResultFormat
import dev.dbsql.warehouse.engine.StoredResult
import dev.dbsql.warehouse.links.LinkIssuer
import dev.dbsql.warehouse.staging.StagingSql
import dev.dbsql.warehouse.statements.Statement
import kotlinx.serialization.json.JsonArray
import java.util.Base64

/** How a finished result is handed out. */
internal enum class ResultMode {
    /** `data_array` pages (INLINE, or hybrid + JSON_ARRAY when small / downloads off). */
    INLINE_JSON,

    /** Base64 Arrow `attachment` chunks (hybrid + ARROW_STREAM when small / downloads off). */
    ATTACHMENTS,

    /** EXTERNAL_LINKS: the first response holds chunk 0's link; the chunk endpoint returns a few from the index. */
    LINKS_FIRST,

    /** Hybrid, large: every link in the first response, each but the last with `next_chunk_index`. */
    LINKS_ALL,
}

/**
 * Turns a [StoredResult] into the manifest and `result` objects of the protocol (§3.4–§3.9):
 * complete `chunks`, `byte_count` for everything but inline JSON, `result_compression` only when
 * LZ4 was applied, `next_chunk_index` on every chunk or link except the last.
 */
internal class ResultRenderer(private val config: WarehouseConfig, private val links: LinkIssuer) {

    fun mode(statement: Statement, result: StoredResult): ResultMode {
        val spec = statement.spec
        return when (spec.disposition) {
            Disposition.INLINE -> ResultMode.INLINE_JSON
            Disposition.EXTERNAL_LINKS -> ResultMode.LINKS_FIRST
            Disposition.INLINE_OR_EXTERNAL_LINKS -> {
                val downloadsOff = statement.session?.canCloudDownload == false
                val small = result.chunks.size <= 1 &&
                    (result.chunks.firstOrNull()?.storedByteCount ?: 0L) <= config.hybridInlineMaxBytes
                when {
                    result.format == ResultFormat.CSV -> ResultMode.LINKS_ALL
                    !downloadsOff && !small -> ResultMode.LINKS_ALL
                    result.format == ResultFormat.ARROW_STREAM -> ResultMode.ATTACHMENTS
                    else -> ResultMode.INLINE_JSON
                }
            }
        }
    }

    fun manifest(statement: Statement, result: StoredResult): ResultManifest {
        val inlineJson = mode(statement, result) == ResultMode.INLINE_JSON
        val columns = result.columns.map {
            ColumnInfo(
                name = it.name, typeText = it.typeText, typeName = it.typeName, position = it.position,
                typePrecision = it.precision, typeScale = it.scale, typeIntervalType = it.intervalType,
            )
        }
        val chunks = result.chunks.map {
            ChunkInfo(it.index, it.rowOffset, it.rowCount, if (inlineJson) null else it.byteCount)
        }
        return ResultManifest(
            format = result.format.name,
            schema = ResultSchema(columns.size, columns.takeIf { it.isNotEmpty() }),
            totalChunkCount = chunks.size,
            chunks = chunks.takeIf { it.isNotEmpty() },
            totalRowCount = result.totalRows,
            totalByteCount = if (inlineJson) null else result.totalBytes,
            truncated = result.truncated,
            resultCompression = if (result.lz4) "LZ4_FRAME" else null,
            isVolumeOperation = if (StagingSql.isTransfer(statement.spec.statement)) true else null,
        )
    }

    /** The `result` of a StatementResponse: first chunk or first link(s); `{}` when there are no chunks. */
    fun first(statement: Statement, result: StoredResult, linkExpiryMillis: Long?): ResultData {
        if (result.chunks.isEmpty()) return ResultData()
        return when (mode(statement, result)) {
            ResultMode.LINKS_FIRST -> ResultData(externalLinks = linkRange(statement, result, 0, 1, linkExpiryMillis))
            ResultMode.LINKS_ALL ->
                ResultData(externalLinks = linkRange(statement, result, 0, result.chunks.size, linkExpiryMillis))
            else -> inlineChunk(statement, result, 0)
        }
    }

    /** The body of `GET .../result/chunks/{index}`; 404 for an index outside the result. */
    fun chunk(statement: Statement, result: StoredResult, index: Int, linkExpiryMillis: Long?): ResultData {
        if (index !in result.chunks.indices) {
            throw ApiErrors.notFound(
                "Chunk $index of statement ${statement.id} does not exist (the result has ${result.chunks.size} chunks).",
            )
        }
        return when (mode(statement, result)) {
            ResultMode.LINKS_FIRST ->
                ResultData(externalLinks = linkRange(statement, result, index, config.linksPerChunkResponse, linkExpiryMillis))
            ResultMode.LINKS_ALL ->
                ResultData(externalLinks = linkRange(statement, result, index, result.chunks.size, linkExpiryMillis))
            else -> inlineChunk(statement, result, index)
        }
    }

    private fun linkRange(statement: Statement, result: StoredResult, from: Int, count: Int, expiry: Long?) =
        result.chunks.subList(from, minOf(result.chunks.size, from + count)).map { chunk ->
            links.issue(statement.id, chunk, nextIndex(result, chunk.index), expiry)
        }

    private fun inlineChunk(statement: Statement, result: StoredResult, index: Int): ResultData {
        val chunk = result.chunks[index]
        val next = nextIndex(result, index)
        val bytes = result.openChunk(index).use { it.readBytes() }
        val common = ResultData(
            chunkIndex = chunk.index,
            rowOffset = chunk.rowOffset,
            rowCount = chunk.rowCount,
            nextChunkIndex = next,
            nextChunkInternalLink = next?.let { LinkIssuer.internalChunkLink(statement.id, it) },
        )
        return if (result.format == ResultFormat.ARROW_STREAM) {
            common.copy(byteCount = bytes.size.toLong(), attachment = Base64.getEncoder().encodeToString(bytes))
        } else {
            common.copy(dataArray = ApiJson.parseToJsonElement(bytes.decodeToString()) as JsonArray)
        }
    }

    private fun nextIndex(result: StoredResult, index: Int): Int? = (index + 1).takeIf { it < result.chunks.size }
}
