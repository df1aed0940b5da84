package dev.dbsql.java

import dev.dbsql.core.lifecycle.StatementReaper
import java.time.Duration
import java.util.concurrent.CompletableFuture
import kotlin.time.toKotlinDuration

/**
 * The Java face of `StatementReaper`: cancels the queued or running statements of one owner that
 * nobody tracks (found through Query History by the owner's leading comment) and reports what it
 * did. Futures run on the client's executor; cancelling one stops the run (cancels already sent
 * stand). Thread-safe; owns nothing ([client] stays the caller's).
 */
public class DbsqlReaper private constructor(
    private val client: DbsqlClient,
    private val reaper: StatementReaper,
) {
    /** Cancels every live statement of the owner whose id is not in [tracked]; see `StatementReaper.reap`. */
    public fun reap(tracked: Set<String>): CompletableFuture<StatementReaper.Report> = client.bridge.call { reaper.reap(tracked) }

    /** Cancels every live statement of the owner (nothing is tracked). */
    public fun reap(): CompletableFuture<StatementReaper.Report> = reap(emptySet())

    public companion object {
        /** A reaper of [owner]'s statements started within the last 48 hours. */
        @JvmStatic
        public fun create(client: DbsqlClient, owner: String): DbsqlReaper = DbsqlReaper(client, StatementReaper(client.kotlinClient, owner))

        /** A reaper of [owner]'s statements started within [lookback]. */
        @JvmStatic
        public fun create(client: DbsqlClient, owner: String, lookback: Duration): DbsqlReaper =
            DbsqlReaper(client, StatementReaper(client.kotlinClient, owner, lookback.toKotlinDuration()))
    }
}
