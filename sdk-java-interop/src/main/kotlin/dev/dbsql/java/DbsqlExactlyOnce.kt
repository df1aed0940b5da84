package dev.dbsql.java

import dev.dbsql.core.StatementParameters
import dev.dbsql.core.lifecycle.ExactlyOnceSubmitter
import dev.dbsql.core.lifecycle.FileSubmissionJournal
import dev.dbsql.core.lifecycle.SubmissionJournal
import java.nio.file.Path
import java.time.Duration
import java.util.concurrent.CompletableFuture
import kotlin.time.toKotlinDuration

/**
 * The Java face of `ExactlyOnceSubmitter`: submissions journaled before they are sent, looked up
 * in Query History by their request id after an ambiguous failure (or by [recover] after a
 * restart) and reattached instead of run twice. Guarantee and limits: `docs/statements.md`.
 * Futures complete like those of [DbsqlClient]; cancelling one stops the call, not the journal.
 * Thread-safe; owns nothing ([client] stays the caller's).
 */
public class DbsqlExactlyOnce private constructor(
    private val client: DbsqlClient,
    internal val submitter: ExactlyOnceSubmitter,
) {
    /** Like [DbsqlClient.execute], exactly once. */
    @JvmOverloads
    public fun execute(
        sql: String,
        params: StatementParameters = StatementParameters.NONE,
        options: StatementOptions = StatementOptions.DEFAULT,
    ): CompletableFuture<DbsqlResult> = client.bridge.call { DbsqlResult(client.bridge, submitter.execute(sql, params, options.executeOptions)) }

    /** Like the hybrid [DbsqlClient.submit], exactly once. */
    @JvmOverloads
    public fun submit(
        sql: String,
        waitTimeout: Duration,
        params: StatementParameters = StatementParameters.NONE,
        options: StatementOptions = StatementOptions.DEFAULT,
    ): CompletableFuture<DbsqlSubmission> = client.bridge.call {
        DbsqlSubmission(client.bridge, submitter.submit(sql, waitTimeout.toKotlinDuration(), params, options.executeOptions))
    }

    /** Resolves the journal's unacknowledged entries (reattach, else resubmit); see `ExactlyOnceSubmitter.recover`. */
    public fun recover(): CompletableFuture<List<ExactlyOnceSubmitter.Recovery>> = client.bridge.call { submitter.recover() }

    public companion object {
        /** A guard over [client] journaling to [journalFile], looking statements up for up to [visibilityWindow]. */
        @JvmStatic
        public fun create(client: DbsqlClient, journalFile: Path, visibilityWindow: Duration): DbsqlExactlyOnce =
            create(client, FileSubmissionJournal(journalFile), visibilityWindow, Duration.ofSeconds(1))

        /** A guard with a journal of the caller's and the pause between Query History lookups. */
        @JvmStatic
        public fun create(client: DbsqlClient, journal: SubmissionJournal, visibilityWindow: Duration, lookupInterval: Duration): DbsqlExactlyOnce =
            create(client, journal, visibilityWindow, lookupInterval, null)

        /**
         * A guard whose statements also carry [owner] (null: none) as the `dbsql_owner` query tag
         * and a leading comment, for a [DbsqlReaper] of that owner; see `OwnerTag`.
         */
        @JvmStatic
        public fun create(client: DbsqlClient, journal: SubmissionJournal, visibilityWindow: Duration, lookupInterval: Duration, owner: String?): DbsqlExactlyOnce =
            DbsqlExactlyOnce(
                client,
                ExactlyOnceSubmitter(client.kotlinClient, journal, visibilityWindow.toKotlinDuration(), lookupInterval.toKotlinDuration(), owner),
            )
    }
}
