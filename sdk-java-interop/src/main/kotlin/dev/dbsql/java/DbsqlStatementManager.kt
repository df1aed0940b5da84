package dev.dbsql.java

import dev.dbsql.core.StatementHandle
import dev.dbsql.core.lifecycle.ExactlyOnceSubmitter
import dev.dbsql.core.lifecycle.StatementManager
import java.time.Duration
import java.util.concurrent.CompletableFuture
import kotlin.time.toKotlinDuration

/**
 * The Java face of `StatementManager`: keeps tracked statements alive by polling them inside the
 * server's idle limit and tells a listener when a result is about to expire. Owns a polling
 * coroutine stopped by [close] (the statements stay as they are on the server); the listener runs
 * on it and must not block. Futures run on the client's executor. Thread-safe.
 */
public class DbsqlStatementManager private constructor(
    private val client: DbsqlClient,
    private val manager: StatementManager,
) : AutoCloseable {
    /** Starts tracking [handle]. */
    public fun track(handle: StatementHandle) {
        manager.track(handle)
    }

    /** Stops tracking [statementId]; false if it was not tracked. */
    public fun untrack(statementId: String): Boolean = manager.untrack(statementId)

    /** The ids of the tracked statements (what a [DbsqlReaper] must leave alone). */
    public fun trackedIds(): Set<String> = manager.trackedIds()

    /** Snapshots of the tracked statements. */
    public fun tracked(): List<StatementManager.TrackedStatement> = manager.tracked()

    /** The tracked statements whose result expires within the warning. */
    public fun expiring(): List<StatementManager.TrackedStatement> = manager.expiring()

    /** Polls every tracked statement now. */
    public fun pollOnce(): CompletableFuture<Void?> = client.bridge.run { manager.pollOnce() }

    /** Resolves [guard]'s journal and tracks every statement it found or resubmitted. */
    public fun resume(guard: DbsqlExactlyOnce): CompletableFuture<List<ExactlyOnceSubmitter.Recovery>> =
        client.bridge.call { manager.resume(guard.submitter) }

    /** Stops polling. */
    override fun close() {
        manager.close()
    }

    public companion object {
        /** A manager polling each [pollInterval], with SEA's result retention (1 hour) and a 10-minute warning. */
        @JvmStatic
        public fun create(client: DbsqlClient, pollInterval: Duration, listener: StatementManager.ExpiryListener): DbsqlStatementManager =
            create(client, pollInterval, Duration.ofHours(1), Duration.ofMinutes(10), listener)

        /** A manager with every setting given; see `StatementManager`. */
        @JvmStatic
        public fun create(
            client: DbsqlClient,
            pollInterval: Duration,
            resultRetention: Duration,
            expiryWarning: Duration,
            listener: StatementManager.ExpiryListener,
        ): DbsqlStatementManager = DbsqlStatementManager(
            client,
            StatementManager(client.kotlinClient, pollInterval.toKotlinDuration(), resultRetention.toKotlinDuration(), expiryWarning.toKotlinDuration(), listener),
        )
    }
}
