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
    fun manifest(dto: ManifestDto, statementId: String): ResultManifest {
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
        return ResultManifest(format, columns, dto.totalChunkCount, chunks, dto.totalRowCount, dto.totalByteCount, dto.truncated, compression)
    }

    fun resultData(dto: ResultDataDto, statementId: String): ResultData {
        val attachment = dto.attachment?.let {
            try {
                Base64.getMimeDecoder().decode(it)
            } catch (e: IllegalArgumentException) {
                throw ProtocolException("result attachment is not valid base64", e, statementId)
            }
        }
        val links = dto.externalLinks.orEmpty().map { l ->
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
