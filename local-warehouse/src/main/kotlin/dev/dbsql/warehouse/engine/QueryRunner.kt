package dev.dbsql.warehouse.engine

import org.apache.arrow.vector.ipc.ArrowReader
import org.duckdb.DuckDBResultSet
import java.sql.PreparedStatement
import java.sql.SQLException

/**
 * Runs one prepared query and stores its result: DuckDB's Arrow export → [BatchConverter] →
 * [ChunkCutter] → [FormatWriter]. Uses a child allocator of the engine that is closed (and must
 * be empty) when the run ends. Runs on the caller's thread.
 */
internal class QueryRunner(
    private val ctx: DuckDbContext,
    private val engine: DuckDbEngine,
    private val options: RunOptions,
) {
    /** Runs [ps], prepared from [sql] with [binds] (needed to recover the real error of a failed stream). */
    fun run(ps: PreparedStatement, sql: String, binds: List<String>, cols: List<Pair<String, DuckType>>): StoredResult {
        val plans = cols.map { (name, type) ->
            val kind = when {
                type is DuckType.Scalar && type.name == "INTERVAL" -> ColumnKind.INTERVAL
                TypeMapping.normalize(type) == type -> ColumnKind.DIRECT
                else -> ColumnKind.TEXT
            }
            ColumnPlan(name, type, kind)
        }
        val id = StoredResultImpl.nextId()
        val budget = MemoryBudget(engine.settings.inMemoryResultBytes)
        val allocator = engine.allocator.newChildAllocator("statement-$id", 0, Long.MAX_VALUE)
        val cells = CellText(ctx.zone)
        var converter: BatchConverter? = null
        val writer: FormatWriter = when (options.format) {
            ResultFormat.ARROW_STREAM -> ArrowFormatWriter({ converter!!.schema }, options.lz4, engine.pool,
                stageChunks = options.chunkBytes <= MAX_STAGED_CHUNK_BYTES)
            ResultFormat.JSON_ARRAY -> JsonFormatWriter(cells)
            ResultFormat.CSV -> CsvFormatWriter(cells, cols.map { it.first })
        }
        val cutter = ChunkCutter(options, writer) { i -> ChunkBuffer(engine.spillDir, "r$id-c$i.bin", budget) }
        try {
            val batchRows = options.chunkRows.toLong().coerceIn(2048, engine.settings.maxBatchRows.toLong())
            executeQuery(ps, sql, binds).use { rs ->
                ctx.checkCanceled()
                (rs.unwrap(DuckDBResultSet::class.java).arrowExportStream(allocator, batchRows) as ArrowReader).use { reader ->
                    val conv = BatchConverter(plans, ctx.zone.id, allocator, reader).also { converter = it }
                    conv.use {
                        val root = reader.vectorSchemaRoot
                        if (plans.none { it.kind == ColumnKind.TEXT }) {
                            BatchPrefetcher(reader, allocator, engine.pool).use { pf ->
                                while (true) {
                                    ctx.checkCanceled()
                                    val batch = pf.next() ?: break
                                    val more = try { cutter.add(conv.convert(batch)) } finally { batch.close() }
                                    if (!more) break
                                }
                            }
                        } else {
                            // dictionary-encoded columns are decoded with the reader's current dictionaries: no read-ahead
                            while (true) {
                                ctx.checkCanceled()
                                if (!reader.loadNextBatch()) break
                                if (!cutter.add(conv.convert(root))) break
                            }
                        }
                        ctx.checkCanceled()
                        conv.decideWithoutData(root.schema.fields)
                        cutter.finish()
                    }
                }
            }
            ctx.checkCanceled()
            val conv = converter!!
            return StoredResultImpl(conv.columns, options.format, options.lz4 && options.format == ResultFormat.ARROW_STREAM,
                cutter.chunks.toList(), cutter.totalRows, cutter.truncated, cutter.buffers.toList())
        } catch (e: Throwable) {
            cutter.discard()
            throw translate(e)
        } finally {
            allocator.close()
        }
    }

    /**
     * With streamed results, DuckDB's JDBC driver reports an error raised while computing the first
     * rows only as "Invalid result set". The statement is a query, so running it again through
     * `COPY ... TO '/dev/null'` (not streamed) recovers DuckDB's real message.
     */
    private fun executeQuery(ps: PreparedStatement, sql: String, binds: List<String>): java.sql.ResultSet {
        try {
            return ps.executeQuery()
        } catch (e: SQLException) {
            if (e.message?.contains("Invalid result set") != true) throw e
            ctx.checkCanceled()
            val real = runCatching { ctx.diagnose("COPY ($sql\n) TO '/dev/null' (FORMAT csv)", binds) }.exceptionOrNull()
            throw if (real is SQLException && real.message?.startsWith("Parser Error") != true) real else e
        }
    }

    private fun translate(e: Throwable): Throwable {
        if (e is QueryCanceled || e is SqlFailure) return e
        val sql = generateSequence(e) { it.cause }.firstOrNull { it is SQLException } as SQLException?
        if (sql != null) return sql
        val msg = (e.message ?: "").let { m -> m.substringAfter("message=", m).removeSuffix("}") }
        if (msg.contains("INTERRUPT") || msg.contains("Interrupted")) return QueryCanceled()
        if (Regex("^[A-Z][A-Za-z ]+ Error: ").containsMatchIn(msg)) return SqlFailures.fromDuck(SQLException(msg, e))
        return e
    }

    companion object {
        /** LZ4 chunks up to this size are compressed in the background from a heap copy. */
        const val MAX_STAGED_CHUNK_BYTES: Long = 64L shl 20
    }
}
