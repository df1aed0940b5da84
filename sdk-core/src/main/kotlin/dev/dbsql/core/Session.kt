package dev.dbsql.core

import java.util.concurrent.atomic.AtomicBoolean

/**
 * A server-side session opened with [DatabricksSqlClient.openSession]. Statements run through it
 * share the session's catalog, schema and configuration, and see each other's `USE` / `SET`.
 *
 * Thread-safe, but the server runs a session's statements one after another. Belongs to its
 * client: closing the client does not delete the session on the server (it expires there); call
 * [close]. Calls after [close] fail with [SessionNotFoundException]. A session the server no longer
 * knows (expired, deleted) makes calls fail with [SessionNotFoundException].
 */
public class Session private constructor(
    public val client: DatabricksSqlClient,
    public val sessionId: String,
    /** The `timezone` of the configuration the session was opened with (a later `SET` is not seen). */
    internal val confTimeZone: String? = null,
) {
    private val closed = AtomicBoolean(false)

    /** Like [DatabricksSqlClient.execute], inside this session. */
    public suspend fun execute(
        sql: String,
        params: StatementParameters = StatementParameters.NONE,
        options: ExecuteOptions = ExecuteOptions.DEFAULT,
    ): StatementResult {
        checkOpen()
        return client.inClientScope { client.statements.execute(sql, params, options, sessionId) }
            .withConfTimeZone(StatementResult.timeZoneOf(options.conf) ?: confTimeZone)
    }

    /** Like [DatabricksSqlClient.submit], inside this session. */
    public suspend fun submit(
        sql: String,
        params: StatementParameters = StatementParameters.NONE,
        options: ExecuteOptions = ExecuteOptions.DEFAULT,
    ): StatementHandle {
        checkOpen()
        return client.inClientScope { client.statements.submit(sql, params, options, sessionId) }
    }

    /** Like the hybrid [DatabricksSqlClient.submit] (with a wait), inside this session. */
    public suspend fun submit(
        sql: String,
        waitTimeout: kotlin.time.Duration,
        params: StatementParameters = StatementParameters.NONE,
        options: ExecuteOptions = ExecuteOptions.DEFAULT,
    ): Submission {
        checkOpen()
        return client.inClientScope { client.statements.submitWaiting(sql, waitTimeout, params, options, sessionId) }
    }

    /** Catalog / schema / table / column listings run in this session. */
    public val metadata: Metadata = Metadata(client, this)

    /** True after [close]. */
    public val isClosed: Boolean get() = closed.get()

    /** Deletes the session on the server. Idempotent; a session already gone there is not an error. */
    public suspend fun close() {
        if (!closed.compareAndSet(false, true)) return
        client.inClientScope { client.sessions.delete(sessionId) }
    }

    private fun checkOpen() {
        if (closed.get()) throw SessionNotFoundException("session $sessionId is closed", sessionId)
    }

    override fun toString(): String = "Session($sessionId, closed=${closed.get()})"

    internal companion object {
        /** The session [sessionId] of [client]. Not for Java. */
        @JvmSynthetic
        internal operator fun invoke(client: DatabricksSqlClient, sessionId: String, confTimeZone: String? = null): Session =
            Session(client, sessionId, confTimeZone)
    }
}
