package dev.dbsql.java

import dev.dbsql.core.Metadata
import dev.dbsql.java.internal.Bridge
import java.util.concurrent.CompletableFuture

/**
 * Catalog listings (`SHOW CATALOGS / SCHEMAS / TABLES / COLUMNS`), each completing with a
 * [DbsqlResult] to read like any other; see the core `Metadata` for the result columns. Patterns
 * use SQL LIKE wildcards (`%`, `_`); null means all. Thread-safe. `get()` on each future wraps
 * failures in `ExecutionException`; cancelling a future cancels its statement.
 */
public class DbsqlMetadata private constructor(private val bridge: Bridge, private val metadata: Metadata) {
    /** All catalogs. */
    public fun catalogs(): CompletableFuture<DbsqlResult> = bridge.call { DbsqlResult(bridge, metadata.catalogs()) }

    /** Schemas of [catalog] (null: all catalogs) matching [schemaPattern]. */
    @JvmOverloads
    public fun schemas(catalog: String? = null, schemaPattern: String? = null): CompletableFuture<DbsqlResult> =
        bridge.call { DbsqlResult(bridge, metadata.schemas(catalog, schemaPattern)) }

    /** Tables and views matching the patterns; with [tableTypes] (e.g. `TABLE`, `VIEW`) only those types. */
    @JvmOverloads
    public fun tables(
        catalog: String? = null,
        schemaPattern: String? = null,
        tablePattern: String? = null,
        tableTypes: List<String>? = null,
    ): CompletableFuture<DbsqlResult> =
        bridge.call { DbsqlResult(bridge, metadata.tables(catalog, schemaPattern, tablePattern, tableTypes)) }

    /** Columns of the tables matching the patterns. */
    @JvmOverloads
    public fun columns(
        catalog: String? = null,
        schemaPattern: String? = null,
        tablePattern: String? = null,
        columnPattern: String? = null,
    ): CompletableFuture<DbsqlResult> =
        bridge.call { DbsqlResult(bridge, metadata.columns(catalog, schemaPattern, tablePattern, columnPattern)) }

    internal companion object {
        /** Wraps [metadata]. Not for Java. */
        @JvmSynthetic
        internal operator fun invoke(bridge: Bridge, metadata: Metadata): DbsqlMetadata = DbsqlMetadata(bridge, metadata)
    }
}
