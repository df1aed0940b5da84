package dev.dbsql.core.lifecycle

import dev.dbsql.core.DatabricksSqlClient
import dev.dbsql.core.DatabricksSqlException
import dev.dbsql.core.StatementHandle
import dev.dbsql.core.StatementState
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineName
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.delay
import kotlinx.coroutines.isActive
import kotlinx.coroutines.launch
import org.slf4j.LoggerFactory
import java.time.Instant
import java.util.concurrent.ConcurrentHashMap
import kotlin.time.Duration
import kotlin.time.Duration.Companion.hours
import kotlin.time.Duration.Companion.minutes
import kotlin.time.toJavaDuration

/**
 * An opt-in keeper of statement handles that must outlive the call that submitted them. It polls
 * every tracked statement each [pollInterval] (choose it well inside the server's idle limit: a
 * statement not polled for 15 minutes may be abandoned) and tells [listener] once when a result
 * is about to expire: [resultRetention] (1 hour on SEA) after the manager first saw it succeed,
 * less [expiryWarning]. A statement that ended otherwise (failed, canceled, closed) or that the
 * server no longer knows is dropped. [resume] tracks what an [ExactlyOnceSubmitter]'s journal
 * recovers after a restart; [trackedIds] is what a [StatementReaper] must leave alone.
 *
 * Owns one coroutine on `Dispatchers.Default`, stopped by [close] (tracked statements are left
 * running on the server). The listener is called on that coroutine and must not block. Thread-safe.
 */
public class StatementManager @JvmOverloads constructor(
    public val client: DatabricksSqlClient,
    public val pollInterval: Duration = 5.minutes,
    public val resultRetention: Duration = 1.hours,
    public val expiryWarning: Duration = 10.minutes,
    private val listener: ExpiryListener = ExpiryListener { },
) : AutoCloseable {
    init {
        require(pollInterval.isPositive()) { "pollInterval must be positive" }
        require(resultRetention.isPositive()) { "resultRetention must be positive" }
        require(!expiryWarning.isNegative()) { "expiryWarning must not be negative" }
    }

    /** Called once per statement whose result is about to expire; see [StatementManager]. */
    public fun interface ExpiryListener {
        /** [statement]'s result expires at [TrackedStatement.expiresAt]; fetch it before then. */
        public fun expiring(statement: TrackedStatement)
    }

    /**
     * A snapshot of one tracked statement: its [handle], the [state] of the last poll and when it
     * was taken ([lastPolledAt], null before the first), and when the manager first saw it
     * SUCCEEDED ([succeededSeenAt]; the result's retention runs from about then).
     */
    public data class TrackedStatement(
        val handle: StatementHandle,
        val state: StatementState?,
        val lastPolledAt: Instant?,
        val succeededSeenAt: Instant?,
        val expiresAt: Instant?,
    )

    private class Entry(val handle: StatementHandle) {
        @Volatile var state: StatementState? = null
        @Volatile var lastPolledAt: Instant? = null
        @Volatile var succeededSeenAt: Instant? = null
        @Volatile var warned = false
    }

    private val entries = ConcurrentHashMap<String, Entry>()
    private val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default + CoroutineName("dbsql-statement-manager"))

    init {
        scope.launch {
            while (isActive) {
                pollOnce()
                delay(pollInterval)
            }
        }
    }

    /** Starts tracking [handle] (again tracking an id already tracked is a no-op). */
    public fun track(handle: StatementHandle) {
        entries.putIfAbsent(handle.statementId, Entry(handle))
    }

    /** Stops tracking [statementId] (the statement itself is left as it is); false if it was not tracked. */
    public fun untrack(statementId: String): Boolean = entries.remove(statementId) != null

    /** The ids of the tracked statements (pass them to [StatementReaper.reap]). */
    public fun trackedIds(): Set<String> = entries.keys.toSet()

    /** Snapshots of the tracked statements. */
    public fun tracked(): List<TrackedStatement> = entries.values.map { it.snapshot() }

    /** The tracked statements whose result expires within [expiryWarning]. */
    public fun expiring(): List<TrackedStatement> = entries.values.map { it.snapshot() }.filter { it.isExpiring(Instant.now()) }

    /** Resolves [submitter]'s journal ([ExactlyOnceSubmitter.recover]) and tracks every statement it found or resubmitted. */
    public suspend fun resume(submitter: ExactlyOnceSubmitter): List<ExactlyOnceSubmitter.Recovery> =
        submitter.recover().also { recoveries -> recoveries.forEach { r -> r.handle?.let(::track) } }

    /** Polls every tracked statement now (the background round does the same each [pollInterval]). */
    public suspend fun pollOnce() {
        for (entry in entries.values.toList()) {
            poll(entry)
        }
    }

    private suspend fun poll(entry: Entry) {
        val id = entry.handle.statementId
        val state = try {
            client.status(entry.handle).state
        } catch (e: CancellationException) {
            throw e
        } catch (e: DatabricksSqlException) {
            if (e.retryable) {
                log.debug("polling statement {} failed: {}", id, e.message)
            } else {
                log.info("statement {} dropped: {}", id, e.message)
                entries.remove(id, entry)
            }
            return
        }
        val now = Instant.now()
        entry.state = state
        entry.lastPolledAt = now
        when (state) {
            StatementState.SUCCEEDED -> if (entry.succeededSeenAt == null) entry.succeededSeenAt = now
            StatementState.PENDING, StatementState.RUNNING, StatementState.UNKNOWN -> Unit
            else -> {
                entries.remove(id, entry)
                return
            }
        }
        val snapshot = entry.snapshot()
        if (!entry.warned && snapshot.isExpiring(now)) {
            entry.warned = true
            try {
                listener.expiring(snapshot)
            } catch (e: Exception) {
                log.warn("expiry listener failed for statement {}", id, e)
            }
        }
    }

    private fun Entry.snapshot() = TrackedStatement(
        handle, state, lastPolledAt, succeededSeenAt, succeededSeenAt?.plus(resultRetention.toJavaDuration()),
    )

    private fun TrackedStatement.isExpiring(now: Instant): Boolean =
        expiresAt != null && !now.isBefore(expiresAt.minus(expiryWarning.toJavaDuration()))

    /** Stops polling; tracked statements stay as they are on the server. */
    override fun close() {
        scope.cancel()
    }

    private companion object {
        val log = LoggerFactory.getLogger(StatementManager::class.java)
    }
}
