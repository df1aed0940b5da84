package dev.dbsql.warehouse.engine

import java.io.InputStream

/*
 * The contract between the HTTP layer of the local warehouse and the query engine behind it.
 * The engine runs SQL on DuckDB and stores the result as chunks in the wire format the
 * statement asked for; the HTTP layer only moves those bytes.
 */

/** One entry of `manifest.schema.columns`, in Databricks terms. */
data class ColumnDesc(
    val name: String,
    /** Databricks `type_name`: LONG, INT, STRING, DECIMAL, TIMESTAMP, ARRAY, ... */
    val typeName: String,
    /** Databricks `type_text`: BIGINT, DECIMAL(10,2), ARRAY<INT>, STRUCT<a: INT>, ... */
    val typeText: String,
    /** 0-based ordinal. */
    val position: Int,
    val precision: Int? = null,
    val scale: Int? = null,
    /** For INTERVAL columns: `YEAR TO MONTH`, `DAY TO SECOND`, ... */
    val intervalType: String? = null,
)

enum class ResultFormat { JSON_ARRAY, ARROW_STREAM, CSV }

/** A statement parameter as sent on the wire: named (`name`) or positional (`ordinal`, 1-based). */
data class SqlParameter(
    val name: String? = null,
    val ordinal: Int? = null,
    /** Always text on the wire; null is SQL NULL. */
    val value: String? = null,
    /** Any type `CAST` accepts; null means STRING. */
    val type: String? = null,
)

/** How one statement's result is cut and stored. */
data class RunOptions(
    val format: ResultFormat,
    /** LZ4-frame compress each stored chunk (Arrow only). */
    val lz4: Boolean = false,
    /** Upper bound of rows in one chunk. */
    val chunkRows: Int = 100_000,
    /** Upper bound of uncompressed bytes in one chunk (approximate: a chunk closes after the batch that passes it). */
    val chunkBytes: Long = 16L * 1024 * 1024,
    /** `row_limit`: keep at most this many rows, set `truncated` when rows were cut. */
    val rowLimit: Long? = null,
    /** `byte_limit`: keep at most about this many bytes, set `truncated` when rows were cut. */
    val byteLimit: Long? = null,
    /** Configuration for this statement only (`timezone`, `ansi_mode`; other keys are ignored). */
    val conf: Map<String, String> = emptyMap(),
)

/**
 * A SQL failure in Databricks terms. [message] follows the server's shape:
 * `[ERROR_CLASS] text SQLSTATE: 42P01`.
 */
class SqlFailure(
    val sqlState: String,
    val errorClass: String,
    message: String,
    cause: Throwable? = null,
) : Exception(message, cause)

/** Thrown by [EngineContext.run] when [EngineContext.cancel] interrupted it. */
class QueryCanceled(message: String = "query canceled") : Exception(message)

/** One stored chunk, as listed in `manifest.chunks`. */
data class StoredChunk(
    val index: Int,
    val rowOffset: Long,
    val rowCount: Long,
    /** Uncompressed size of the chunk payload (Arrow IPC stream bytes, or JSON text bytes). */
    val byteCount: Long,
    /** Size of the bytes [StoredResult.openChunk] yields (compressed size when LZ4 was applied). */
    val storedByteCount: Long,
)

/**
 * A finished statement's result. Chunk payloads:
 * - ARROW_STREAM: one self-contained Arrow IPC stream per chunk (schema, batches, end-of-stream),
 *   LZ4-frame compressed when [lz4];
 * - JSON_ARRAY: a compact JSON array of row arrays whose cells are strings or null;
 * - CSV: RFC-4180, header row only in chunk 0.
 * Closing deletes whatever the result holds (files, memory). Safe to call twice.
 */
interface StoredResult : AutoCloseable {
    val columns: List<ColumnDesc>
    val format: ResultFormat
    val lz4: Boolean
    val chunks: List<StoredChunk>
    val totalRows: Long
    /** Sum of the chunks' uncompressed [StoredChunk.byteCount]. */
    val totalBytes: Long
    val truncated: Boolean
    /** A stream over the stored bytes of chunk [index]; each call opens a new stream. */
    fun openChunk(index: Int): InputStream
}

/**
 * One DuckDB connection with its current catalog / schema and session settings.
 * A session keeps one for its life; a statement outside a session gets a fresh one.
 * Not for concurrent use: run one statement at a time.
 */
interface EngineContext : AutoCloseable {
    val currentCatalog: String
    val currentSchema: String

    /**
     * Runs [sql] on the calling thread (blocking) and stores its result.
     * @throws SqlFailure for anything the SQL did wrong (bad syntax, unknown table, bad parameter value, ...)
     * @throws QueryCanceled when [cancel] interrupted it
     */
    fun run(sql: String, params: List<SqlParameter>, options: RunOptions): StoredResult

    /** Interrupts a running [run] from another thread; a no-op when nothing runs. */
    fun cancel()
}
