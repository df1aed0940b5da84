package dev.dbsql.java

import dev.dbsql.core.DatabricksSqlClient
import dev.dbsql.core.StatementHandle
import dev.dbsql.core.StatementParameters
import dev.dbsql.core.StatementStatus
import dev.dbsql.flow.ResultPartition
import dev.dbsql.flow.executeStreaming
import dev.dbsql.flow.readPartition
import dev.dbsql.flow.resumeBatches
import dev.dbsql.java.internal.Bridge
import kotlinx.coroutines.CoroutineStart
import java.util.concurrent.CompletableFuture
import java.util.concurrent.Executor
import kotlin.time.toKotlinDuration

/**
 * The Java face of a SQL warehouse client: each call returns a [CompletableFuture], each result
 * stream is a blocking [BatchIterator], a `java.util.stream.Stream` of rows or a
 * `Flow.Publisher` (see [ResultStream]).
 * ```java
 * try (DbsqlClient client = DbsqlClient.create(config)) {
 *     DbsqlResult result = client.execute("SELECT * FROM range(10)").get();
 *     try (BatchIterator batches = result.batches()) {
 *         while (batches.hasNext()) {
 *             try (RecordBatch batch = batches.next()) { ... }
 *         }
 *     }
 * }
 * ```
 *
 * **Ownership.** It owns one Kotlin `DatabricksSqlClient` (its HTTP connections and credentials)
 * and a coroutine scope in which every future and every iterator producer runs. Create one per
 * warehouse and share it: it is thread-safe. [close] closes both.
 *
 * **Threads.** The client's work — HTTP calls, polling, the producers of every [BatchIterator],
 * downloads — runs on threads the SDK owns and on which no caller code ever runs. Futures
 * complete on the [Executor] given to [create], else on the SDK's own elastic pool
 * (`dbsql-java-complete-N`, daemon threads that start as needed and stop after a minute idle);
 * never on the coroutines library's `Default` or `IO` pools that the producers and ktor need. So
 * a dependent stage (`thenApply`, `thenAccept`, …) may block, e.g. to read a [BatchIterator]
 * or `rows()` or to `join()` another call of this client: it holds a completion thread, never one
 * the result it waits for needs. A stage added after its future completed runs on the thread
 * that added it, as always with `CompletableFuture`. The SDK never shuts the caller's executor down.
 *
 * **Failures.** A future fails with the SDK's unchecked exception (rooted at
 * `DatabricksSqlException`); `get()` wraps it in an `ExecutionException` whose cause is that
 * exception, `join()` in a `CompletionException`.
 *
 * **Cancellation.** `future.cancel(true)` cancels the call: for [execute] and [await] it also
 * cancels the statement on the server, in the background, as soon as its ID is known (a cancel
 * during the first request of [execute], while the server waits up to `waitTimeout`, is sent when
 * that request returns the statement's ID). The future is cancelled at once; the server-side
 * cancel survives [close] (up to `closeCancelBudget`) and a JVM exit (the shutdown hook, see
 * `DbsqlClientConfig.Builder.cancelOnShutdown`).
 */
public class DbsqlClient private constructor(internal val bridge: Bridge) : AutoCloseable {
    /** The Kotlin client this facade drives (Kotlin callers; closed with this facade). */
    @get:JvmSynthetic
    public val kotlinClient: DatabricksSqlClient get() = bridge.client

    /** Catalog / schema / table / column listings. */
    @get:JvmName("metadata")
    public val metadata: DbsqlMetadata = DbsqlMetadata(bridge, bridge.client.metadata)

    /** True once [close] was called. */
    public val isClosed: Boolean get() = bridge.isClosed

    /** Unity Catalog volume files (staging PUT / GET / REMOVE / LIST) with [options]; see [DbsqlVolumes]. */
    @JvmOverloads
    public fun volumes(options: DbsqlVolumeOptions = DbsqlVolumeOptions.DEFAULT): DbsqlVolumes =
        DbsqlVolumes(bridge, dev.dbsql.core.volumes.Volumes(bridge.client, options.options))

    /**
     * Runs [sql] and completes when it finished (the server waits first, then the client polls).
     * Fails with `SqlException` when the statement failed, `StatementCanceledException` when it was
     * cancelled; `get()` wraps failures in `ExecutionException`. Cancelling the future cancels the
     * statement on the server (see the class documentation).
     */
    @JvmOverloads
    public fun execute(
        sql: String,
        params: StatementParameters = StatementParameters.NONE,
        options: StatementOptions = StatementOptions.DEFAULT,
    ): CompletableFuture<DbsqlResult> =
        bridge.call { DbsqlResult(bridge, bridge.client.execute(sql, params, options.executeOptions)) }

    /**
     * Submits [sql] without waiting and completes with its handle, which any process can use to
     * [status], [await], [cancel] or [close] it (`handle.toJson()` / `StatementHandle.fromJson`).
     * `get()` wraps failures in `ExecutionException`.
     */
    @JvmOverloads
    public fun submit(
        sql: String,
        params: StatementParameters = StatementParameters.NONE,
        options: StatementOptions = StatementOptions.DEFAULT,
    ): CompletableFuture<StatementHandle> = bridge.call { bridge.client.submit(sql, params, options.executeOptions) }

    /**
     * Hybrid submit: one execute request that waits up to [waitTimeout] (0 or 5–50 whole seconds)
     * on the server, completing with a [DbsqlSubmission] that says whether the statement finished
     * (its result, one round trip) or still runs (its handle). Fails like [execute] when the
     * statement failed or was cancelled within the wait; `get()` wraps failures in `ExecutionException`.
     */
    @JvmOverloads
    public fun submit(
        sql: String,
        waitTimeout: java.time.Duration,
        params: StatementParameters = StatementParameters.NONE,
        options: StatementOptions = StatementOptions.DEFAULT,
    ): CompletableFuture<DbsqlSubmission> = bridge.call {
        DbsqlSubmission(bridge, bridge.client.submit(sql, waitTimeout.toKotlinDuration(), params, options.executeOptions))
    }

    /** The statement's current state (one request; FAILED and CANCELED are states, not failures). `get()` wraps failures in `ExecutionException`. */
    public fun status(handle: StatementHandle): CompletableFuture<StatementStatus> = bridge.call { bridge.client.status(handle) }

    /**
     * Completes when the statement finished, with its result; fails like [execute] (`get()` wraps
     * failures in `ExecutionException`). Cancelling the future cancels the statement on the server.
     */
    public fun await(handle: StatementHandle): CompletableFuture<DbsqlResult> =
        bridge.call(CoroutineStart.ATOMIC) { DbsqlResult(bridge, bridge.client.await(handle)) }

    /** Asks the server to cancel the statement (it may still finish; see [status]). `get()` wraps failures in `ExecutionException`. */
    public fun cancel(handle: StatementHandle): CompletableFuture<Void?> = bridge.run { bridge.client.cancel(handle) }

    /** Releases the statement and its result on the server; a statement already gone is no error. `get()` wraps failures in `ExecutionException`. */
    public fun close(handle: StatementHandle): CompletableFuture<Void?> = bridge.run { bridge.client.close(handle) }

    /**
     * Opens a server-side session: its statements share [catalog], [schema] and [conf] (e.g.
     * `ansi_mode`, `timezone`) and see each other's `USE` / `SET`. Close it with [DbsqlSession.close].
     * `get()` wraps failures in `ExecutionException`.
     */
    @JvmOverloads
    public fun openSession(
        catalog: String? = null,
        schema: String? = null,
        conf: Map<String, String> = emptyMap(),
    ): CompletableFuture<DbsqlSession> =
        bridge.call { DbsqlSession(bridge, bridge.client.openSession(catalog, schema, conf)) }

    /**
     * A stream that runs [sql] each time one of its views is consumed and owns the statement: it is
     * released when the stream ends, and cancelled and released when it fails or is closed early.
     * Nothing is sent before a view is consumed.
     */
    @JvmOverloads
    public fun executeStreaming(
        sql: String,
        params: StatementParameters = StatementParameters.NONE,
        options: StatementOptions = StatementOptions.DEFAULT,
        readOptions: ReadOptions = ReadOptions.DEFAULT,
    ): ResultStream = ResultStream(
        bridge,
        bridge.client.executeStreaming(sql, params, options.executeOptions, readOptions.resultOptions),
        readOptions,
    )

    /**
     * The result of the statement behind [handle] (possibly submitted by another process), from the
     * chunk its progress records (see `ResultProgress`). Waits for the statement when consumed.
     */
    @JvmOverloads
    public fun resume(handle: StatementHandle, readOptions: ReadOptions = ReadOptions.DEFAULT): ResultStream =
        ResultStream(bridge, bridge.client.resumeBatches(handle, readOptions.resultOptions), readOptions)

    /** One partition of a result (see [DbsqlResult.partitions]), possibly made in another process. */
    @JvmOverloads
    public fun readPartition(partition: ResultPartition, readOptions: ReadOptions = ReadOptions.DEFAULT): ResultStream =
        ResultStream(bridge, bridge.client.readPartition(partition, readOptions.resultOptions), readOptions)

    /**
     * Closes the client at once without waiting: new calls fail with `ClientClosedException`,
     * calls and streams in flight fail with it, open iterators are closed (their buffered batches
     * freed; batches already taken stay the caller's to close), and the connections are released
     * when the work in flight has stopped ([closeAsync] tells when). Idempotent.
     */
    override fun close() {
        bridge.close()
    }

    /**
     * Closes the client like [close] and returns a future that completes (with null, on the
     * completion executor) once every call and iterator producer has stopped and the
     * connections, credentials and buffered batches are released. Idempotent.
     */
    public fun closeAsync(): CompletableFuture<Void?> {
        bridge.close()
        return bridge.whenClosed()
    }

    override fun toString(): String = "DbsqlClient(${bridge.client})"

    public companion object {
        /**
         * A client for [config] whose futures complete on the SDK's own elastic completion pool
         * (see the class documentation). A failure leaves nothing running.
         * @throws dev.dbsql.core.ConfigurationException when the credentials or TLS material cannot be set up.
         */
        @JvmStatic
        public fun create(config: DbsqlClientConfig): DbsqlClient = create(config, null)

        /**
         * A client for [config] whose futures complete on [executor] (null: the SDK's completion
         * pool): dependent stages and `Publisher` subscribers run there. The client's own work runs
         * on SDK threads, never on [executor], so blocking its threads cannot stall a result. The
         * executor is never shut down by the SDK.
         * @throws dev.dbsql.core.ConfigurationException when the credentials or TLS material cannot be set up.
         */
        @JvmStatic
        public fun create(config: DbsqlClientConfig, executor: Executor?): DbsqlClient =
            DbsqlClient(Bridge(DatabricksSqlClient(config.clientConfig, credentials = config.credentials), executor))
    }
}
