package dev.dbsql.core.lifecycle

import dev.dbsql.core.ConnectionException
import dev.dbsql.core.DatabricksSqlClient
import dev.dbsql.core.DatabricksSqlException
import dev.dbsql.core.ExecuteOptions
import dev.dbsql.core.ProtocolException
import dev.dbsql.core.ServerException
import dev.dbsql.core.ServiceUnavailableException
import dev.dbsql.core.StatementHandle
import dev.dbsql.core.StatementParameters
import dev.dbsql.core.StatementResult
import dev.dbsql.core.StatementState
import dev.dbsql.core.Submission
import dev.dbsql.core.internal.HistoryLookup
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.delay
import org.slf4j.LoggerFactory
import java.time.Instant
import java.util.UUID
import kotlin.time.Duration
import kotlin.time.Duration.Companion.minutes
import kotlin.time.Duration.Companion.seconds
import kotlin.time.toJavaDuration

/**
 * An opt-in guard against running a statement twice when the answer to its execute request is
 * lost (SEA has no idempotency key). Each submission gets a client request id, sent as the query
 * tag [REQUEST_ID_TAG] and as a leading SQL comment, and is written to [journal] **before** the
 * request. When the request fails ambiguously (connection lost or reset after sending, a 5xx, a
 * malformed answer: the server may have accepted it), the guard looks the statement up in Query
 * History by the request id for up to [visibilityWindow] and reattaches to it; only when the window
 * passed without a match does it send the statement again. [recover] does the same, at start-up,
 * for entries a crashed process left unacknowledged.
 *
 * **The guarantee and its limit.** A statement runs at most once as long as Query History shows it
 * within [visibilityWindow] of the lookup's start; a history that lags longer than that makes the
 * guard resubmit, and the statement may then run twice. See `docs/statements.md`.
 *
 * Runs in the caller's coroutine (cancelling it stops the lookup; the journal entry stays for
 * [recover]). Thread-safe when [journal] is. Owns nothing: closing is the client's business.
 *
 * @param lookupInterval the pause between Query History lookups.
 * @param owner an opt-in owner id (see [OwnerTag]): every statement sent carries it as the query
 *   tag [OwnerTag.TAG] and a leading comment, so a [StatementReaper] of that owner can find it.
 */
public class ExactlyOnceSubmitter @JvmOverloads constructor(
    public val client: DatabricksSqlClient,
    public val journal: SubmissionJournal,
    public val visibilityWindow: Duration = 60.seconds,
    public val lookupInterval: Duration = 1.seconds,
    public val owner: String? = null,
) {
    init {
        owner?.let { OwnerTag.validate(it) }
    }

    private val history = HistoryLookup(client.config, client.transport)

    /** What [recover] did with one unacknowledged journal entry. */
    public enum class Outcome {
        /** Found in Query History: the statement ran (or runs) once; [Recovery.handle] names it. */
        REATTACHED,

        /** Not found within the window: sent again (once); [Recovery.handle] names the new statement. */
        RESUBMITTED,

        /** Not found and not resubmittable (it had parameters, which the journal does not keep). */
        NOT_FOUND,
    }

    /** One entry handled by [recover]. */
    public data class Recovery(val entry: JournalEntry, val outcome: Outcome, val handle: StatementHandle?)

    /** Like [DatabricksSqlClient.execute], exactly once (see the class documentation). */
    public suspend fun execute(
        sql: String,
        params: StatementParameters = StatementParameters.NONE,
        options: ExecuteOptions = ExecuteOptions.DEFAULT,
    ): StatementResult = when (val s = submit(sql, options.waitTimeout, params, options)) {
        is Submission.Finished -> s.result
        is Submission.Running -> client.await(s.handle)
    }

    /** Like the hybrid [DatabricksSqlClient.submit], exactly once (see the class documentation). */
    public suspend fun submit(
        sql: String,
        waitTimeout: Duration = Duration.ZERO,
        params: StatementParameters = StatementParameters.NONE,
        options: ExecuteOptions = ExecuteOptions.DEFAULT,
    ): Submission {
        val requestId = UUID.randomUUID().toString()
        val entry = JournalEntry(
            requestId, client.config.baseUrl, client.config.warehouseId, marked(requestId, OwnerTag.sql(owner, sql)), Instant.now(),
            hasParameters = params.list.isNotEmpty(),
        )
        journal.record(entry)
        return send(entry, waitTimeout, params, options, attemptsLeft = 2)
    }

    /**
     * Handles every unacknowledged entry of [journal] for this client's host and warehouse: looks it
     * up (up to [visibilityWindow]) and reattaches, else resubmits it (without waiting); entries
     * with parameters are reported [Outcome.NOT_FOUND] instead. Acknowledges what it resolved.
     */
    public suspend fun recover(): List<Recovery> = journal.unacknowledged()
        .filter { it.host == client.config.baseUrl && it.warehouseId == client.config.warehouseId }
        .map { entry ->
            val found = locate(entry)
            when {
                found != null -> Recovery(entry, Outcome.REATTACHED, found.also { journal.acknowledge(entry.requestId, it.statementId) })
                entry.hasParameters -> Recovery(entry, Outcome.NOT_FOUND, null)
                else -> Recovery(entry, Outcome.RESUBMITTED, send(entry, Duration.ZERO, StatementParameters.NONE, ExecuteOptions.DEFAULT, 1).handle)
            }
        }

    private suspend fun send(entry: JournalEntry, wait: Duration, params: StatementParameters, options: ExecuteOptions, attemptsLeft: Int): Submission {
        val tagged = OwnerTag.options(owner, options).let { it.copy(queryTags = it.queryTags + (REQUEST_ID_TAG to entry.requestId)) }
        val submission = try {
            client.submit(entry.sql, wait, params, tagged)
        } catch (e: DatabricksSqlException) {
            if (!isAmbiguous(e)) {
                journal.acknowledge(entry.requestId, e.statementId ?: NO_STATEMENT)
                throw e
            }
            log.info("execute of request {} failed ambiguously ({}); looking it up in query history", entry.requestId, e.message)
            val found = locate(entry)
            if (found != null) return reattached(entry, found)
            if (attemptsLeft <= 1) throw e
            log.info("request {} not in query history after {}; submitting it again", entry.requestId, visibilityWindow)
            return send(entry, wait, params, options, attemptsLeft - 1)
        }
        journal.acknowledge(entry.requestId, submission.handle.statementId)
        return submission
    }

    private suspend fun reattached(entry: JournalEntry, handle: StatementHandle): Submission {
        journal.acknowledge(entry.requestId, handle.statementId)
        val state = client.status(handle).state
        return if (state.isTerminal) Submission.Finished(client.await(handle)) else Submission.Running(handle, state)
    }

    /** Query History lookups until a match or [visibilityWindow] passed; lookup failures count as no match. */
    private suspend fun locate(entry: JournalEntry): StatementHandle? {
        val marker = marker(entry.requestId)
        val deadline = System.nanoTime() + visibilityWindow.inWholeNanoseconds
        val from = entry.submittedAt.minus(CLOCK_SLACK.toJavaDuration())
        while (true) {
            val to = Instant.now().plus(CLOCK_SLACK.toJavaDuration())
            val id = try {
                history.find(marker, from, to)
            } catch (e: CancellationException) {
                throw e
            } catch (e: DatabricksSqlException) {
                log.debug("query history lookup for request {} failed: {}", entry.requestId, e.message)
                null
            }
            if (id != null) return StatementHandle(client.config.baseUrl, client.config.warehouseId, id, entry.submittedAt)
            if (System.nanoTime() >= deadline) return null
            delay(lookupInterval)
        }
    }

    public companion object {
        /** The query tag that carries the client request id. */
        public const val REQUEST_ID_TAG: String = "dbsql_request_id"

        /** Recorded as the statement id of a submission the server refused outright (nothing to find). */
        public const val NO_STATEMENT: String = ""

        private val CLOCK_SLACK = 5.minutes
        private val log = LoggerFactory.getLogger(ExactlyOnceSubmitter::class.java)

        /** The leading comment that carries [requestId] in the statement text. */
        @JvmStatic
        public fun marker(requestId: String): String = "/* dbsql_request_id=$requestId */"

        internal fun marked(requestId: String, sql: String) = marker(requestId) + "\n" + sql

        /** True when the server may have accepted the request although the client got no answer. */
        @JvmStatic
        public fun isAmbiguous(e: DatabricksSqlException): Boolean = when (e) {
            is ProtocolException -> true
            is ConnectionException, is ServiceUnavailableException -> !e.retryable
            is ServerException -> true
            else -> false
        }
    }
}
