package dev.dbsql.core.lifecycle

import dev.dbsql.core.DatabricksSqlClient
import dev.dbsql.core.DatabricksSqlException
import dev.dbsql.core.StatementHandle
import dev.dbsql.core.internal.HistoryLookup
import kotlinx.coroutines.CancellationException
import org.slf4j.LoggerFactory
import java.time.Instant
import kotlin.time.Duration
import kotlin.time.Duration.Companion.hours
import kotlin.time.Duration.Companion.minutes
import kotlin.time.toJavaDuration

/**
 * Finds statements still queued or running (any Query History status but FINISHED, FAILED, CANCELED) under [owner] (those sent with its [OwnerTag], e.g.
 * through an [ExactlyOnceSubmitter] with that owner) that nobody tracks any more, and cancels them:
 * SEA keeps running, and billing, a statement whose client died. Run it at start-up, before the
 * service submits anything, or on demand with the ids the service still tracks.
 *
 * It looks through Query History (this client's warehouse and user, statements started within
 * [lookback], at most 2,000 of them, most recent first), matching the owner's leading comment,
 * since Query History shows no query tags. A statement whose history entry lags is not seen; run
 * it again later to catch it.
 *
 * Runs in the caller's coroutine (cancelling it stops the run; cancels already sent stand).
 * Thread-safe; owns nothing.
 */
public class StatementReaper @JvmOverloads constructor(
    public val client: DatabricksSqlClient,
    public val owner: String,
    public val lookback: Duration = 48.hours,
) {
    init {
        OwnerTag.validate(owner)
    }

    private val history = HistoryLookup(client.config, client.transport)

    /**
     * What one [reap] did. [found]: the owner's queued or running statements; [cancelled]: those
     * it cancelled; [left]: those left alone because they are tracked; [failed]: statement id →
     * why its cancel failed.
     */
    public data class Report(
        val found: List<String>,
        val cancelled: List<String>,
        val left: List<String>,
        val failed: Map<String, String>,
    )

    /**
     * Cancels every queued or running statement of [owner] whose id is not in [tracked]; a
     * failing cancel is reported in [Report.failed], not thrown. Throws [DatabricksSqlException]
     * when Query History cannot be read.
     */
    public suspend fun reap(tracked: Set<String> = emptySet()): Report {
        val now = Instant.now()
        val found = history.findAll(OwnerTag.marker(owner), now.minus(lookback.toJavaDuration()), now.plus(CLOCK_SLACK.toJavaDuration()))
            .filter { it.status != null && it.status.uppercase() !in ENDED }
            .map { it.statementId }
        val (left, orphans) = found.partition { it in tracked }
        val cancelled = ArrayList<String>()
        val failed = LinkedHashMap<String, String>()
        for (id in orphans) {
            try {
                client.cancel(StatementHandle(client.config.baseUrl, client.config.warehouseId, id, now))
                cancelled += id
            } catch (e: CancellationException) {
                throw e
            } catch (e: DatabricksSqlException) {
                failed[id] = e.message ?: e.javaClass.simpleName
            }
        }
        if (found.isNotEmpty()) log.info("reaper of {}: {} found, {} cancelled, {} tracked, {} failed", owner, found.size, cancelled.size, left.size, failed.size)
        return Report(found, cancelled, left, failed)
    }

    private companion object {
        /** Query History statuses of a statement that no longer runs; any other (QUEUED, RUNNING, COMPILING, …) is live. */
        val ENDED = setOf("FINISHED", "FAILED", "CANCELED")
        val CLOCK_SLACK = 5.minutes
        val log = LoggerFactory.getLogger(StatementReaper::class.java)
    }
}
