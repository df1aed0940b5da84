package dev.dbsql.core

import dev.dbsql.core.internal.MetadataSql
import dev.dbsql.core.internal.fetchResultData
import dev.dbsql.core.internal.initialResultData

/**
 * Catalog listings as statements (`SHOW CATALOGS / SCHEMAS / TABLES / COLUMNS`), each returning a
 * [StatementResult] to stream like any other. Patterns use SQL LIKE wildcards: `%` any run of
 * characters, `_` one character (null means all); they are sent as the Hive-style patterns SHOW
 * takes. Runs in the owning [Session] when obtained from one; thread-safe; each call runs in the
 * caller's coroutine and is cancelled with it.
 *
 * Result columns follow the server: catalogs → `catalog`; schemas → `databaseName` (+ `catalog`
 * for all catalogs); tables → `namespace, tableName, isTemporary, information, catalogName,
 * tableType, remarks`; columns → `col_name, catalogName, namespace, tableName, columnType,
 * columnSize, decimalDigits, radix, isNullable, remarks, ordinalPosition, isAutoIncrement, isGenerated`.
 */
public class Metadata private constructor(private val client: DatabricksSqlClient, private val session: Session?) {
    /** All catalogs. */
    public suspend fun catalogs(): StatementResult = run(MetadataSql.catalogs())

    /** Schemas of [catalog] (null: all catalogs) whose name matches [schemaPattern]. */
    public suspend fun schemas(catalog: String? = null, schemaPattern: String? = null): StatementResult =
        run(MetadataSql.schemas(catalog, schemaPattern))

    /**
     * Tables and views of [catalog] (null: all catalogs) matching the patterns.
     *
     * With [tableTypes] (e.g. `TABLE`, `VIEW`; compared case-insensitively) only rows whose
     * `tableType` is one of them are returned. `SHOW TABLES` itself cannot filter by type, so this
     * takes two statements: the listing is read (inline JSON, through the API), filtered here, and
     * the kept rows are returned by a second statement — an inline `VALUES` table with the same
     * column names and types — whose result streams like any other. The listing statement is closed.
     */
    public suspend fun tables(
        catalog: String? = null,
        schemaPattern: String? = null,
        tablePattern: String? = null,
        tableTypes: Collection<String>? = null,
    ): StatementResult {
        val show = MetadataSql.tables(catalog, schemaPattern, tablePattern)
        if (tableTypes == null) return run(show)
        MetadataSql.checkTypes(tableTypes)
        val wanted = tableTypes.map { it.uppercase() }.toSet()
        val listing = run(show, JSON_INLINE)
        val typeColumn = listing.manifest.columns.indexOfFirst { it.name.equals("tableType", ignoreCase = true) }
        if (typeColumn < 0) throw ProtocolException("SHOW TABLES returned no tableType column", statementId = listing.statementId)
        val kept = try {
            readRows(listing).filter { it.getOrNull(typeColumn)?.uppercase() in wanted }
        } finally {
            runCatching { client.close(listing.handle) }
        }
        return run(MetadataSql.literalTable(listing.manifest.columns, kept))
    }

    /** Columns of the tables of [catalog] (null: all catalogs) matching the patterns. */
    public suspend fun columns(
        catalog: String? = null,
        schemaPattern: String? = null,
        tablePattern: String? = null,
        columnPattern: String? = null,
    ): StatementResult = run(MetadataSql.columns(catalog, schemaPattern, tablePattern, columnPattern))

    private suspend fun readRows(result: StatementResult): List<List<String?>> {
        val rows = ArrayList<List<String?>>()
        var data = result.initialResultData
        while (data != null) {
            rows += data.dataArray.orEmpty()
            val next = data.nextChunkIndex ?: break
            data = client.fetchResultData(result.statementId, next)
        }
        return rows
    }

    private suspend fun run(sql: String, options: ExecuteOptions = ExecuteOptions.DEFAULT): StatementResult =
        if (session != null) session.execute(sql, options = options) else client.execute(sql, options = options)

    internal companion object {
        /** The listings of [client], in [session] when given. Not for Java. */
        @JvmSynthetic
        internal operator fun invoke(client: DatabricksSqlClient, session: Session?): Metadata = Metadata(client, session)

        private val JSON_INLINE = ExecuteOptions(
            disposition = Disposition.INLINE,
            format = ResultFormat.JSON_ARRAY,
            compression = ResultCompression.NONE,
        )
    }
}
