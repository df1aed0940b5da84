package dev.dbsql.spark

import dev.dbsql.core.DatabricksSqlException
import dev.dbsql.core.Disposition
import dev.dbsql.core.ResultCompression
import dev.dbsql.core.ResultFormat
import dev.dbsql.java.DbsqlResult
import dev.dbsql.java.StatementOptions
import org.apache.spark.SparkContext
import org.apache.spark.scheduler.SparkListener
import org.apache.spark.scheduler.SparkListenerApplicationEnd
import org.apache.spark.scheduler.SparkListenerEvent
import org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionEnd
import org.slf4j.LoggerFactory
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.ExecutionException
import java.util.concurrent.atomic.AtomicBoolean

/**
 * One execution of the data source's statement, on the driver: its result (manifest, handle)
 * and whether it was closed. Closing releases the result on the server; it is idempotent and does
 * not wait (the request runs on the client's threads).
 */
internal class DriverStatement(val options: DbsqlReadOptions, val result: DbsqlResult) {
    private val closed = AtomicBoolean(false)
    val isClosed: Boolean get() = closed.get()

    fun close() {
        if (!closed.compareAndSet(false, true)) return
        result.close().whenComplete { _, e -> if (e != null) log.warn("closing statement {} failed: {}", result.statementId, e.toString()) }
    }

    companion object {
        private val log = LoggerFactory.getLogger(DriverStatement::class.java)

        /**
         * Runs the statement once and waits for it (in the calling Spark planning thread, which
         * Spark gives to the data source for that): Arrow through external links, LZ4, so that every
         * chunk is a link an executor can fetch. Interrupting the waiting thread cancels the statement.
         * @throws DatabricksSqlException when the statement fails (its SQL error, or the client's).
         */
        fun execute(options: DbsqlReadOptions): DriverStatement {
            val client = SharedClients.get(options.config.toJson())
            val exec = StatementOptions.builder()
                .disposition(Disposition.EXTERNAL_LINKS)
                .format(ResultFormat.ARROW_STREAM)
                .compression(ResultCompression.LZ4_FRAME)
                .tag("spark")
                .build()
            val future = client.execute(options.sql, options.parameters, exec)
            val result = try {
                future.get()
            } catch (e: ExecutionException) {
                throw (e.cause as? DatabricksSqlException) ?: e
            } catch (e: InterruptedException) {
                // the planning thread was interrupted (the query was cancelled): cancel the statement too
                future.cancel(true)
                Thread.currentThread().interrupt()
                throw e
            }
            return DriverStatement(options, result)
        }
    }
}

/**
 * Closes statements when the Spark SQL execution that read them ends (succeeded or failed), and
 * every statement still open when the application ends. One listener per SparkContext. Thread-safe.
 */
internal object StatementCloser {
    private val byExecution = ConcurrentHashMap<Long, MutableList<DriverStatement>>()
    private val open: MutableSet<DriverStatement> = ConcurrentHashMap.newKeySet()
    private val registered: MutableSet<SparkContext> = ConcurrentHashMap.newKeySet()

    /** Tracks [statement]: closed at the end of SQL execution [executionId], or with the application when null. */
    fun track(sc: SparkContext, statement: DriverStatement, executionId: Long?) {
        if (registered.add(sc)) sc.addSparkListener(Listener)
        open += statement
        if (executionId != null) byExecution.computeIfAbsent(executionId) { java.util.Collections.synchronizedList(ArrayList()) } += statement
    }

    /** The SQL execution running in this thread, when Spark set one (`spark.sql.execution.id`). */
    fun currentExecution(sc: SparkContext): Long? = sc.getLocalProperty("spark.sql.execution.id")?.toLongOrNull()

    private object Listener : SparkListener() {
        override fun onOtherEvent(event: SparkListenerEvent) {
            if (event is SparkListenerSQLExecutionEnd) {
                byExecution.remove(event.executionId())?.toList()?.forEach { s ->
                    open -= s
                    s.close()
                }
            }
        }

        override fun onApplicationEnd(applicationEnd: SparkListenerApplicationEnd) {
            val all = open.toList()
            open.clear()
            byExecution.clear()
            registered.clear()
            all.forEach { it.close() }
        }
    }
}
