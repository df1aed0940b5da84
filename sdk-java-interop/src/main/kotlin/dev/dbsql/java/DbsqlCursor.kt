package dev.dbsql.java

import dev.dbsql.flow.ColumnDescription
import dev.dbsql.flow.ResultCursor
import dev.dbsql.java.internal.Bridge
import java.util.concurrent.CompletableFuture

/**
 * PEP-249-style reading of a [DbsqlResult] (from [DbsqlResult.cursor]): each fetch continues where
 * the previous one stopped and completes with detached rows (a `List<Object>` of `Row.getObject`
 * values per row, in column order). See the Kotlin `ResultCursor` for the memory bound: one buffered
 * batch besides the rows handed out; [fetchAll] refuses, before reading, a result whose manifest
 * counts more than its `maxRows`.
 *
 * Close it (try-with-resources) to stop reading; [close] must not race a pending fetch. Futures
 * complete on the client's threads; `get()` wraps failures in `ExecutionException`.
 */
public class DbsqlCursor private constructor(private val bridge: Bridge, private val cursor: ResultCursor) : AutoCloseable {

    /** The result's columns; known without reading. */
    public fun description(): List<ColumnDescription> = cursor.description

    /** The next row, or null past the last one. */
    public fun fetchOne(): CompletableFuture<List<Any?>?> = bridge.call { cursor.fetchOne() }

    /** Up to [n] next rows (fewer only at the end). */
    public fun fetchMany(n: Int): CompletableFuture<List<List<Any?>>> = bridge.call { cursor.fetchMany(n) }

    /** All remaining rows, at most [maxRows] counted by the manifest (default 1,000,000). */
    @JvmOverloads
    public fun fetchAll(maxRows: Long = ResultCursor.DEFAULT_FETCH_ALL_MAX_ROWS): CompletableFuture<List<List<Any?>>> =
        bridge.call { cursor.fetchAll(maxRows) }

    /** Stops reading and frees the buffered batch. Idempotent. */
    override fun close() {
        cursor.close()
    }

    internal companion object {
        @JvmSynthetic
        internal operator fun invoke(bridge: Bridge, cursor: ResultCursor): DbsqlCursor = DbsqlCursor(bridge, cursor)
    }
}
