package dev.dbsql.warehouse.statements

import dev.dbsql.warehouse.WarehouseConfig
import dev.dbsql.warehouse.api.Disposition
import dev.dbsql.warehouse.engine.EngineContext
import dev.dbsql.warehouse.engine.QueryCanceled
import dev.dbsql.warehouse.engine.ResultFormat
import dev.dbsql.warehouse.engine.RunOptions
import dev.dbsql.warehouse.engine.SqlFailure
import dev.dbsql.warehouse.faults.Endpoint
import dev.dbsql.warehouse.faults.FaultPlan
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.sync.withLock
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeoutOrNull
import org.slf4j.LoggerFactory
import java.time.Clock
import java.util.concurrent.ExecutorService
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger

/**
 * Runs statements on a fixed pool of [WarehouseConfig.executorThreads] threads. A statement stays
 * PENDING while it waits for its session's mutex or for a free thread, RUNNING while
 * [EngineContext.run] blocks a pool thread. Waiting requests never block a thread: they suspend on
 * [Statement.done].
 */
internal class StatementRunner(
    private val config: WarehouseConfig,
    private val opener: ContextOpener,
    private val scope: CoroutineScope,
    private val clock: Clock,
    private val faults: FaultPlan,
) : AutoCloseable {
    private val threads = AtomicInteger()
    private val pool: ExecutorService = Executors.newFixedThreadPool(config.executorThreads) { r ->
        Thread(r, "warehouse-query-${threads.incrementAndGet()}").apply { isDaemon = true }
    }
    private val dispatcher = pool.asCoroutineDispatcher()

    /** Queues [statement]; returns at once. */
    fun submit(statement: Statement) {
        statement.job = scope.launch {
            val session = statement.session
            if (session != null) {
                session.mutex.withLock { withContext(dispatcher) { runBlocking(statement) } }
            } else {
                withContext(dispatcher) { runBlocking(statement) }
            }
        }
    }

    /** Cancels [statement]: PENDING ones at once, RUNNING ones by interrupting the engine until it gives up. */
    fun cancel(statement: Statement) {
        statement.requestCancel(clock.instant())
        keepInterrupting(statement)
    }

    /** Interrupts the engine every 50 ms until [statement] stopped (the first interrupt may come too early). */
    fun keepInterrupting(statement: Statement) {
        if (statement.done.isCompleted) return
        scope.launch {
            withTimeoutOrNull(60_000) {
                while (!statement.done.isCompleted) {
                    statement.interruptIfRunning()
                    delay(50)
                }
            }
        }
    }

    private fun runBlocking(statement: Statement) {
        val session = statement.session
        val spec = statement.spec
        val context: EngineContext = session?.context ?: try {
            opener.open(spec.catalog, spec.schema, emptyMap())
        } catch (e: SqlFailure) {
            statement.fail(Failure("BAD_REQUEST", e.message ?: "cannot open context", e.sqlState), clock.instant())
            return
        } catch (e: Exception) {
            log.error("opening an engine context failed", e)
            statement.fail(Failure("INTERNAL_ERROR", "Cannot open an engine context: ${e.message}", null), clock.instant())
            return
        }
        try {
            if (!statement.start(context, clock.instant())) return
            if (!holdUnlessCanceled(statement, faults.decide(Endpoint.QUERY).delayMillis)) {
                statement.canceled(clock.instant())
                return
            }
            val result = try {
                context.run(spec.statement, spec.parameters, runOptions(statement))
            } catch (e: QueryCanceled) {
                statement.canceled(clock.instant())
                return
            } catch (e: SqlFailure) {
                statement.fail(Failure("BAD_REQUEST", e.message ?: e.errorClass, e.sqlState), clock.instant())
                return
            } catch (e: Exception) {
                log.error("statement {} failed in the engine", statement.id, e)
                statement.fail(Failure("INTERNAL_ERROR", "Internal error: ${e.message}", "XX000"), clock.instant())
                return
            }
            if (spec.disposition == Disposition.INLINE && result.totalBytes > config.inlineMaxBytes) {
                result.close()
                statement.fail(
                    Failure(
                        "BAD_REQUEST",
                        "[INLINE_RESULT_TOO_LARGE] The result (${result.totalBytes} bytes) exceeds the " +
                            "${config.inlineMaxBytes}-byte limit of the INLINE disposition. Use EXTERNAL_LINKS. SQLSTATE: 54000",
                        "54000",
                    ),
                    clock.instant(),
                )
                return
            }
            statement.succeed(result, clock.instant())
        } finally {
            if (!statement.done.isCompleted) {
                statement.fail(Failure("INTERNAL_ERROR", "The statement stopped unexpectedly", "XX000"), clock.instant())
            }
            if (session == null) closeQuietly(context)
        }
    }

    /** Keeps the pool thread busy for [millis] (a [Endpoint.QUERY] delay); false when a cancel came meanwhile. */
    private fun holdUnlessCanceled(statement: Statement, millis: Long): Boolean {
        val until = System.nanoTime() + millis * 1_000_000
        while (System.nanoTime() < until) {
            if (statement.cancelRequestedAt != null) return false
            Thread.sleep(10)
        }
        return statement.cancelRequestedAt == null
    }

    private fun runOptions(statement: Statement): RunOptions {
        val spec = statement.spec
        val inline = spec.disposition == Disposition.INLINE
        return RunOptions(
            format = spec.format,
            lz4 = spec.lz4Requested && spec.format == ResultFormat.ARROW_STREAM && !inline,
            chunkRows = if (inline) config.inlinePageRows else config.chunkRows,
            chunkBytes = if (inline) Long.MAX_VALUE else config.chunkBytes,
            rowLimit = spec.rowLimit,
            byteLimit = spec.byteLimit,
            conf = spec.statementConf,
        )
    }

    private fun closeQuietly(context: EngineContext) {
        try {
            context.close()
        } catch (e: Exception) {
            log.warn("closing an engine context failed", e)
        }
    }

    override fun close() {
        pool.shutdownNow()
        pool.awaitTermination(5, TimeUnit.SECONDS)
    }

    private companion object {
        val log = LoggerFactory.getLogger(StatementRunner::class.java)
    }
}
