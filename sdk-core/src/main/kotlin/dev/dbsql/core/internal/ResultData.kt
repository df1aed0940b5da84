package dev.dbsql.core.internal

import java.time.Instant

/**
 * One piece of a result as the server delivered it: the `result` of a statement response or the
 * body of `GET .../result/chunks/{n}`. Exactly one of [dataArray] (inline JSON_ARRAY rows),
 * [attachment] (inline Arrow IPC stream bytes, base64-decoded, LZ4-frame compressed when the
 * manifest says so) or [externalLinks] (download links) carries data; all are empty for a result
 * without rows. Immutable after construction; [attachment] must not be modified.
 *
 * @property nextChunkIndex the chunk after this one, or null when this is the last inline chunk.
 */
@DbsqlInternalApi
public class ResultData(
    public val chunkIndex: Int?,
    public val rowOffset: Long?,
    public val rowCount: Long?,
    public val byteCount: Long?,
    public val dataArray: List<List<String?>>?,
    public val attachment: ByteArray?,
    public val externalLinks: List<ExternalLink>,
    public val nextChunkIndex: Int?,
) {
    override fun toString(): String =
        "ResultData(chunkIndex=$chunkIndex, rowOffset=$rowOffset, rowCount=$rowCount, byteCount=$byteCount, " +
            "rows=${dataArray?.size}, attachmentBytes=${attachment?.size}, externalLinks=$externalLinks, nextChunkIndex=$nextChunkIndex)"
}

/**
 * A pre-signed download link for one chunk. Download it WITHOUT the workspace `Authorization`
 * header (use `downloadHttpClient`), adding [httpHeaders]. It stops working at [expiration];
 * `fetchResultData` for the same chunk index returns a fresh one.
 *
 * [toString] hides the URL's query (its signature) and the header values.
 *
 * @property byteCount size of the object behind [url] (compressed size when LZ4 was applied).
 * @property nextChunkIndex the next chunk's index, or null for the last chunk.
 */
@DbsqlInternalApi
public class ExternalLink(
    public val chunkIndex: Int,
    public val rowOffset: Long,
    public val rowCount: Long,
    public val byteCount: Long,
    public val url: String,
    public val expiration: Instant,
    public val httpHeaders: Map<String, String>,
    public val nextChunkIndex: Int?,
) {
    override fun toString(): String =
        "ExternalLink(chunkIndex=$chunkIndex, rowOffset=$rowOffset, rowCount=$rowCount, byteCount=$byteCount, " +
            "url=${url.substringBefore('?')}?***, expiration=$expiration, httpHeaders=${httpHeaders.keys.associateWith { "***" }}, " +
            "nextChunkIndex=$nextChunkIndex)"
}
