package dev.dbsql.core

/**
 * What the warehouse says about a finished statement's result: its wire format, schema and how it
 * is cut into chunks. Immutable; safe to share between threads.
 *
 * @property totalByteCount uncompressed size of the result (absent for inline JSON results).
 * @property truncated true when `row_limit` / `byte_limit` (or the server's caps) cut rows.
 * @property compression how the chunk payloads are compressed (what the server applied, not what was asked).
 */
public data class ResultManifest(
    val format: ResultFormat,
    val columns: List<ColumnInfo>,
    val totalChunkCount: Int,
    val chunks: List<ChunkInfo>,
    val totalRowCount: Long,
    val totalByteCount: Long?,
    val truncated: Boolean,
    val compression: ResultCompression,
)

/**
 * One result column.
 *
 * @property typeName the base type as the server names it (`INT`, `LONG`, `DECIMAL`, `TIMESTAMP_NTZ`,
 *   ...). Kept as a string so that types newer than this SDK pass through unchanged.
 * @property typeText the full SQL type text, e.g. `DECIMAL(10,2)` or `ARRAY<INT>`.
 * @property position 0-based ordinal.
 * @property intervalType for INTERVAL columns: `YEAR TO MONTH`, `DAY TO SECOND`, ...
 */
public data class ColumnInfo(
    val name: String,
    val typeName: String,
    val typeText: String,
    val position: Int,
    val precision: Int?,
    val scale: Int?,
    val intervalType: String?,
)

/** One chunk of a result. [byteCount] is the uncompressed size (absent for inline JSON chunks). */
public data class ChunkInfo(val chunkIndex: Int, val rowOffset: Long, val rowCount: Long, val byteCount: Long?)

/** The wire format of a result. */
public enum class ResultFormat { JSON_ARRAY, ARROW_STREAM, CSV }

/** How result payloads are compressed. */
public enum class ResultCompression { NONE, LZ4_FRAME }

/**
 * Where results are delivered: in the API response ([INLINE], JSON only), as pre-signed download
 * links ([EXTERNAL_LINKS]), or inline when small and as links when large ([INLINE_OR_EXTERNAL_LINKS]).
 */
public enum class Disposition { INLINE, EXTERNAL_LINKS, INLINE_OR_EXTERNAL_LINKS }
