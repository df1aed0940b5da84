package dev.dbsql.warehouse.statements

import dev.dbsql.warehouse.WarehouseConfig
import dev.dbsql.warehouse.api.ApiErrors
import dev.dbsql.warehouse.api.ExecuteSpec
import dev.dbsql.warehouse.api.OnWaitTimeout
import dev.dbsql.warehouse.faults.FaultPlan
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.delay
import kotlinx.coroutines.isActive
import kotlinx.coroutines.launch
import kotlinx.coroutines.sync.withLock
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeoutOrNull
import org.slf4j.LoggerFactory
import java.time.Clock
import java.time.Duration
import java.time.Instant
import java.util.UUID
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.atomic.AtomicLong

/**
 * Statements and sessions of one warehouse: creation, lookup (with result expiry), cancel, close.
 * Every lookup names the caller's subject: a statement or session of another subject is answered
 * exactly like an unknown id (the API's 404), so ids leak nothing. Thread-safe.
 */
internal class StatementService(
    private val config: WarehouseConfig,
    private val opener: ContextOpener,
    private val scope: CoroutineScope,
    private val clock: Clock,
    faults: FaultPlan = FaultPlan(),
) : AutoCloseable {
    private val statements = ConcurrentHashMap<String, Statement>()
    private val sessions = ConcurrentHashMap<String, Session>()
    private val runner = StatementRunner(config, opener, scope, clock, faults)
    val executesAccepted = AtomicLong()

    /** How long a statement's record is kept after its result expired; later it is unknown (404). */
    private val forgetAfter: Duration = config.resultRetention.plus(Duration.ofHours(1))

    init {
        val period = minOf(config.resultRetention, config.idleLimit ?: config.resultRetention).toMillis().coerceIn(100, 1_000)
        scope.launch {
            while (isActive) {
                delay(period)
                sweep()
            }
        }
    }

    fun allStatements(): Collection<Statement> = statements.values

    fun allSessions(): Collection<Session> = sessions.values

    suspend fun createSession(
        owner: String,
        warehouseId: String,
        catalog: String?,
        schema: String?,
        confs: Map<String, String>,
    ): Session {
        val context = withContext(Dispatchers.IO) { opener.open(catalog, schema, confs) }
        val session = Session(UUID.randomUUID().toString(), warehouseId, owner, context, confs, clock.instant())
        sessions[session.id] = session
        return session
    }

    /** Deletes a session: its unfinished statements are canceled, its context closed once they stopped. */
    fun deleteSession(id: String, owner: String) {
        val session = sessions[id]?.takeIf { it.owner == owner } ?: throw sessionNotFound(id)
        if (!sessions.remove(id, session)) throw sessionNotFound(id)
        session.deletedAt = clock.instant()
        statements.values.filter { it.session === session && !it.state.terminal }.forEach { runner.cancel(it) }
        scope.launch {
            session.mutex.withLock { withContext(Dispatchers.IO) { runCatching { session.context.close() } } }
        }
    }

    fun session(id: String, owner: String): Session =
        sessions[id]?.takeIf { it.owner == owner } ?: throw sessionNotFound(id)

    private fun sessionNotFound(id: String) = ApiErrors.notFound("Session $id does not exist.")

    fun execute(spec: ExecuteSpec, owner: String): Statement {
        val session = spec.sessionId?.let { session(it, owner) }
        val statement = Statement(UUID.randomUUID().toString(), spec, owner, session, clock.instant())
        statements[statement.id] = statement
        executesAccepted.incrementAndGet()
        runner.submit(statement)
        return statement
    }

    /** Suspends until [statement] is terminal or [wait] passed; applies `on_wait_timeout`. */
    suspend fun awaitFor(statement: Statement, wait: Duration, onTimeout: OnWaitTimeout) {
        if (wait.isZero) return
        val finished = withTimeoutOrNull(wait.toMillis()) { statement.done.await() } != null
        if (!finished && onTimeout == OnWaitTimeout.CANCEL) {
            runner.cancel(statement)
            withTimeoutOrNull(5_000) { statement.done.await() }
        }
    }

    /**
     * The statement with [id] (expiring its result if due); 404 when unknown or when [owner] is not
     * null and differs from the statement's. Null [owner] is for signed link downloads, whose
     * signature already names the statement.
     */
    fun get(id: String, owner: String?): Statement {
        val statement = statements[id]?.takeIf { owner == null || it.owner == owner }
            ?: throw ApiErrors.notFound("Statement $id does not exist.")
        if (owner != null) statement.lastPolledAt = clock.instant()
        statement.expireIfDue(clock.instant(), ::retentionEnd)
        return statement
    }

    fun cancel(id: String, owner: String): Statement = get(id, owner).also { runner.cancel(it) }

    fun close(id: String, owner: String): Statement = get(id, owner).also { statement ->
        statement.close(clock.instant())
        runner.keepInterrupting(statement)
    }

    private fun retentionEnd(finishedAt: Instant): Instant = finishedAt.plus(config.resultRetention)

    private fun sweep() {
        val now = clock.instant()
        for (statement in statements.values) {
            try {
                statement.expireIfDue(now, ::retentionEnd)
                abandonIfIdle(statement, now)
                val finished = statement.finishedAt
                if (statement.state.terminal && finished != null && now.isAfter(finished.plus(forgetAfter))) {
                    statement.close(now)
                    statements.remove(statement.id)
                }
            } catch (e: Exception) {
                log.warn("sweeping statement {} failed", statement.id, e)
            }
        }
    }

    /** Applies `WarehouseConfig.idleLimit`: closes (interrupting if running) a statement nobody polled for that long. */
    private fun abandonIfIdle(statement: Statement, now: Instant) {
        val limit = config.idleLimit ?: return
        if (statement.closedAt != null || now.isBefore(statement.lastPolledAt.plus(limit))) return
        log.info("statement {} not polled for {}: abandoned", statement.id, limit)
        statement.abandonedAt = now
        statement.close(now)
        runner.keepInterrupting(statement)
    }

    override fun close() {
        val now = clock.instant()
        statements.values.forEach { it.close(now) }
        runner.close()
        sessions.values.forEach { runCatching { it.context.close() } }
        sessions.clear()
    }

    private companion object {
        val log = LoggerFactory.getLogger(StatementService::class.java)
    }
}
