package dev.dbsql.core

import dev.dbsql.core.internal.MetadataSql

/**
 * Catalog listings as statements (`SHOW CATALOGS / SCHEMAS / TABLES / COLUMNS`), each returning a
 * [StatementResult] to stream like any other. Patterns use SQL LIKE wildcards: `%` any run of
 * characters, `_` one character (null means all). Run in the owning [Session] when obtained from one.
 *
 * Result columns follow the server: catalogs → `catalog`; schemas → `databaseName`; tables →
 * `namespace, tableName, isTemporary, information, catalogName, tableType, remarks`; columns →
 * `col_name, catalogName, namespace, tableName, columnType, ...`.
 */
public class Metadata internal constructor(private val client: DatabricksSqlClient, private val session: Session?) {
    /** All catalogs. */
    public suspend fun catalogs(): StatementResult = run(MetadataSql.catalogs())

    /** Schemas of [catalog] (null: all catalogs) whose name matches [schemaPattern]. */
    @JvmOverloads
    public suspend fun schemas(catalog: String? = null, schemaPattern: String? = null): StatementResult =
        run(MetadataSql.schemas(catalog, schemaPattern))

    /**
     * Tables of [catalog] matching the patterns; with [tableTypes] (e.g. `TABLE`, `VIEW`), only
     * rows whose `tableType` is one of them (compared case-insensitively).
     */
    @JvmOverloads
    public suspend fun tables(
        catalog: String? = null,
        schemaPattern: String? = null,
        tablePattern: String? = null,
        tableTypes: Collection<String>? = null,
    ): StatementResult = run(MetadataSql.tables(catalog, schemaPattern, tablePattern, tableTypes))

    /** Columns of the matching tables of [catalog]. */
    @JvmOverloads
    public suspend fun columns(
        catalog: String? = null,
        schemaPattern: String? = null,
        tablePattern: String? = null,
        columnPattern: String? = null,
    ): StatementResult = run(MetadataSql.columns(catalog, schemaPattern, tablePattern, columnPattern))

    private suspend fun run(sql: String): StatementResult =
        if (session != null) session.execute(sql) else client.execute(sql)
}
