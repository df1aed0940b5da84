package dev.dbsql.java

import dev.dbsql.core.ResultManifest
import dev.dbsql.core.StatementHandle
import dev.dbsql.core.StatementResult
import dev.dbsql.core.StatementState
import dev.dbsql.flow.RecordBatch
import dev.dbsql.flow.ResultPartition
import dev.dbsql.flow.Row
import dev.dbsql.flow.ColumnDescription
import dev.dbsql.flow.ResultCursor
import dev.dbsql.flow.batches
import dev.dbsql.flow.cursor
import dev.dbsql.flow.description
import dev.dbsql.flow.fetchAll
import dev.dbsql.flow.partitions
import dev.dbsql.java.internal.Bridge
import java.util.concurrent.CompletableFuture
import java.util.stream.Stream
import java.util.concurrent.Flow as JdkFlow

/**
 * A finished statement whose result can be read, as completed by [DbsqlClient.execute] or
 * [DbsqlClient.await]. A wrapper of the core `StatementResult`.
 *
 * It holds no connection and no buffer: dropping it frees nothing and leaks nothing. Every read
 * ([stream] and its shortcuts) fetches the result again from the server; the statement is not run
 * again. The server keeps the result about an hour unless [close] releases it earlier.
 * Immutable and thread-safe.
 */
public class DbsqlResult private constructor(
    private val bridge: Bridge,
    /** The core result this wraps (Kotlin callers). */
    @get:JvmSynthetic public val statementResult: StatementResult,
) {
    @get:JvmName("statementId")
    public val statementId: String get() = statementResult.statementId

    /** The handle of the statement, to save (`toJson()`) and use from any process. */
    @get:JvmName("handle")
    public val handle: StatementHandle get() = statementResult.handle

    /** Schema, chunks, row count, format and compression of the result. */
    @get:JvmName("manifest")
    public val manifest: ResultManifest get() = statementResult.manifest

    /** SUCCEEDED, or CLOSED when the server answered with direct results. */
    @get:JvmName("state")
    public val state: StatementState get() = statementResult.state

    /** The result's rows read with [options]; nothing is requested before one of its views is consumed. */
    @JvmOverloads
    public fun stream(options: ReadOptions = ReadOptions.DEFAULT): ResultStream =
        ResultStream(bridge, statementResult.batches(options.resultOptions), options)

    /** `stream().batches()`: a blocking iterator of batches; close it (try-with-resources). */
    public fun batches(): BatchIterator = stream().batches()

    /** `stream().rows()`: a sequential stream of rows; close it (try-with-resources). */
    public fun rows(): Stream<Row> = stream().rows()

    /** `stream().publisher()`: a publisher of batches honouring the subscriber's demand. */
    public fun publisher(): JdkFlow.Publisher<RecordBatch> = stream().publisher()

    /**
     * At most [n] partitions of whole, contiguous chunks, balanced by size; reading all of them
     * with [DbsqlClient.readPartition] (in any process, see [Partitions]) yields exactly the result's
     * rows. Makes no request.
     */
    public fun partitions(n: Int): List<ResultPartition> = statementResult.partitions(n)

    /** The result's columns (name, SQL type, precision, scale, nullability) from the manifest; for empty results too. */
    public fun description(): List<ColumnDescription> = statementResult.description

    /** A cursor for `fetchOne` / `fetchMany` / `fetchAll`, reading with [options] from its first fetch. */
    @JvmOverloads
    public fun cursor(options: ReadOptions = ReadOptions.DEFAULT): DbsqlCursor =
        DbsqlCursor(bridge, statementResult.cursor(options.resultOptions))

    /**
     * Every row as a `List<Object>` (see [DbsqlCursor]); all held on the heap. Fails (in the future,
     * before reading) when the manifest counts more than [maxRows] rows (default 1,000,000).
     */
    @JvmOverloads
    public fun fetchAll(maxRows: Long = ResultCursor.DEFAULT_FETCH_ALL_MAX_ROWS): CompletableFuture<List<List<Any?>>> =
        bridge.call { statementResult.fetchAll(maxRows) }

    /** Releases the result on the server. `get()` wraps failures in `ExecutionException`. */
    public fun close(): CompletableFuture<Void?> = bridge.run { statementResult.close() }

    override fun toString(): String = statementResult.toString()

    internal companion object {
        /** Wraps [statementResult]. Not for Java. */
        @JvmSynthetic
        internal operator fun invoke(bridge: Bridge, statementResult: StatementResult): DbsqlResult = DbsqlResult(bridge, statementResult)
    }
}
