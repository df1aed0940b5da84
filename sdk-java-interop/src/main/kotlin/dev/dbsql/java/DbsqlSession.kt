package dev.dbsql.java

import dev.dbsql.core.Session
import dev.dbsql.core.StatementHandle
import dev.dbsql.core.StatementParameters
import dev.dbsql.java.internal.Bridge
import java.util.concurrent.CompletableFuture

/**
 * A server-side session opened with [DbsqlClient.openSession]: its statements share the session's
 * catalog, schema and configuration, and see each other's `USE` / `SET`. A wrapper of the core
 * `Session`.
 *
 * Thread-safe (the server runs a session's statements one after another). Closing the client
 * does not delete the session on the server (it expires there): call [close]. Calls after [close]
 * fail with `SessionNotFoundException`, as do calls in a session the server no longer knows. `get()` on each future wraps failures in `ExecutionException`;
 * cancelling a future cancels its call (and, for [execute], the statement on the server).
 */
public class DbsqlSession private constructor(private val bridge: Bridge, private val session: Session) {
    /** The server's ID of this session. */
    @get:JvmName("sessionId")
    public val sessionId: String get() = session.sessionId

    /** Catalog / schema / table / column listings run in this session. */
    @get:JvmName("metadata")
    public val metadata: DbsqlMetadata = DbsqlMetadata(bridge, session.metadata)

    /** True after [close]. */
    public val isClosed: Boolean get() = session.isClosed

    /** Like [DbsqlClient.execute], in this session. `get()` wraps failures in `ExecutionException`. */
    @JvmOverloads
    public fun execute(
        sql: String,
        params: StatementParameters = StatementParameters.NONE,
        options: StatementOptions = StatementOptions.DEFAULT,
    ): CompletableFuture<DbsqlResult> = bridge.call { DbsqlResult(bridge, session.execute(sql, params, options.executeOptions)) }

    /** Like [DbsqlClient.submit], in this session. `get()` wraps failures in `ExecutionException`. */
    @JvmOverloads
    public fun submit(
        sql: String,
        params: StatementParameters = StatementParameters.NONE,
        options: StatementOptions = StatementOptions.DEFAULT,
    ): CompletableFuture<StatementHandle> = bridge.call { session.submit(sql, params, options.executeOptions) }

    /**
     * Deletes the session on the server; a session already gone is no error. Idempotent.
     * `get()` wraps failures in `ExecutionException`.
     */
    public fun close(): CompletableFuture<Void?> = bridge.run { session.close() }

    override fun toString(): String = session.toString()

    internal companion object {
        /** Wraps [session]. Not for Java. */
        @JvmSynthetic
        internal operator fun invoke(bridge: Bridge, session: Session): DbsqlSession = DbsqlSession(bridge, session)
    }
}
