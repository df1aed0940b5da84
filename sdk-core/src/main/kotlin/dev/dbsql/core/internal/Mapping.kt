package dev.dbsql.core.internal

import dev.dbsql.core.ChunkInfo
import dev.dbsql.core.ColumnInfo
import dev.dbsql.core.ProtocolException
import dev.dbsql.core.ResultCompression
import dev.dbsql.core.ResultFormat
import dev.dbsql.core.ResultManifest
import dev.dbsql.core.internal.ExternalLink
import dev.dbsql.core.internal.ResultData
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonNull
import kotlinx.serialization.json.JsonPrimitive
import java.time.Instant
import java.util.Base64

/** Wire models → public models. Fails with [ProtocolException] on what cannot be understood. */
internal object Mapping {
    /**
     * The manifest; counts it leaves out are derived from its chunk list or from the first piece of
     * data ([first]), and when neither tells, it is a [ProtocolException] (never an empty result for
     * data the server sent). Negative counts are a [ProtocolException].
     */
    fun manifest(dto: ManifestDto, statementId: String, first: ResultDataDto? = null): ResultManifest {
        val format = dto.format?.let { f ->
            ResultFormat.entries.firstOrNull { it.name == f }
                ?: throw ProtocolException("result format '$f' is not supported by this SDK", statementId = statementId)
        } ?: throw ProtocolException("manifest has no format", statementId = statementId)
        val compression = when (val c = dto.resultCompression) {
            null, "NONE" -> ResultCompression.NONE
            "LZ4_FRAME" -> ResultCompression.LZ4_FRAME
            else -> throw ProtocolException("result compression '$c' is not supported by this SDK", statementId = statementId)
        }
        val columns = dto.schema?.columns.orEmpty().mapIndexed { i, c ->
            ColumnInfo(
                name = c.name,
                typeName = c.typeName ?: c.typeText?.substringBefore('(')?.substringBefore('<')?.trim() ?: "UNKNOWN",
                typeText = c.typeText ?: c.typeName ?: "UNKNOWN",
                position = c.position ?: i,
                precision = c.precision,
                scale = c.scale,
                intervalType = c.intervalType,
            )
        }
        val chunks = dto.chunks.orEmpty().map { ChunkInfo(it.chunkIndex, it.rowOffset, it.rowCount, it.byteCount) }
        fun bad(what: String): Nothing = throw ProtocolException("malformed result manifest: $what", statementId = statementId)
        dto.totalChunkCount?.let { if (it < 0) bad("negative total_chunk_count $it") }
        dto.totalRowCount?.let { if (it < 0) bad("negative total_row_count $it") }
        dto.totalByteCount?.let { if (it < 0) bad("negative total_byte_count $it") }
        for (c in chunks) {
            if (c.chunkIndex < 0 || c.rowOffset < 0 || c.rowCount < 0 || (c.byteCount ?: 0) < 0) {
                bad("chunk ${c.chunkIndex} has a negative index, row_offset, row_count or byte_count")
            }
        }
        val inline = first?.let { inlineRows(it) }
        val hasData = first != null && (first.dataArray != null || first.attachment != null || !first.externalLinks.isNullOrEmpty())
        val singlePiece = first != null && first.nextChunkIndex == null && first.externalLinks.orEmpty().all { it.nextChunkIndex == null } &&
            (first.chunkIndex ?: 0) == 0 && first.externalLinks.orEmpty().all { it.chunkIndex == 0 }
        val chunkCount = dto.totalChunkCount
            ?: chunks.size.takeIf { it > 0 }
            ?: when {
                !hasData -> 0
                singlePiece -> 1
                else -> bad("no total_chunk_count and no chunk list, but the result has more than one chunk")
            }
        val rowCount = dto.totalRowCount
            ?: chunks.takeIf { it.isNotEmpty() && it.size == chunkCount }?.sumOf { it.rowCount }
            ?: when {
                chunkCount == 0 && !hasData -> 0L
                chunkCount == 1 && inline != null -> inline
                else -> bad("no total_row_count, and the chunk list does not say how many rows the result holds")
            }
        return ResultManifest(format, columns, chunkCount, chunks, rowCount, dto.totalByteCount, dto.truncated, compression)
    }

    /** Rows of a single inline piece, as far as it tells. */
    private fun inlineRows(d: ResultDataDto): Long? =
        d.rowCount ?: d.dataArray?.size?.toLong()

    fun resultData(dto: ResultDataDto, statementId: String): ResultData {
        val attachment = dto.attachment?.let {
            try {
                Base64.getMimeDecoder().decode(it)
            } catch (e: IllegalArgumentException) {
                throw ProtocolException("result attachment is not valid base64", e, statementId)
            }
        }
        if ((dto.rowCount ?: 0) < 0 || (dto.rowOffset ?: 0) < 0 || (dto.byteCount ?: 0) < 0 || (dto.chunkIndex ?: 0) < 0) {
            throw ProtocolException("malformed result data: negative chunk_index, row_offset, row_count or byte_count", statementId = statementId)
        }
        val links = dto.externalLinks.orEmpty().map { l ->
            if (l.chunkIndex < 0 || l.rowOffset < 0 || l.rowCount < 0 || l.byteCount < 0) {
                throw ProtocolException("malformed external link: negative chunk_index, row_offset, row_count or byte_count", statementId = statementId)
            }
            val expiration = try {
                Instant.parse(l.expiration)
            } catch (e: RuntimeException) {
                throw ProtocolException("external link expiration '${l.expiration}' is not an ISO-8601 instant", e, statementId)
            }
            ExternalLink(l.chunkIndex, l.rowOffset, l.rowCount, l.byteCount, l.externalLink, expiration, l.httpHeaders.orEmpty(), l.nextChunkIndex)
        }
        val rows = dto.dataArray?.map { row -> row.map(::cell) }
        return ResultData(dto.chunkIndex, dto.rowOffset, dto.rowCount, dto.byteCount, rows, attachment, links, dto.nextChunkIndex)
    }

    private fun cell(e: JsonElement): String? = when (e) {
        is JsonNull -> null
        is JsonPrimitive -> e.content
        else -> e.toString()
    }
}
