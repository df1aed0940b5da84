package dev.dbsql.cli

import dev.dbsql.core.DatabricksSqlClient
import dev.dbsql.core.ExecuteOptions
import dev.dbsql.core.SqlParameter
import dev.dbsql.core.StatementHandle
import dev.dbsql.core.StatementParameters
import dev.dbsql.flow.RecordBatch
import dev.dbsql.flow.ResultOptions
import dev.dbsql.flow.batches
import dev.dbsql.flow.resumeBatches
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.isActive
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeoutOrNull
import java.io.OutputStream
import kotlin.time.Duration.Companion.seconds

/**
 * Runs statements and writes their results to [out]: one statement on its own, several in order
 * in one server-side session (each result printed, separated by a blank line in the text formats).
 * A statement whose result is not fully written (a failure, a closed output, Ctrl-C) is cancelled
 * on the server; every statement is released (`close`) after use. Server-side cleanup is bounded
 * to 10 s and runs even when the caller is cancelled.
 */
class Runner(
    private val client: DatabricksSqlClient,
    private val executeOptions: ExecuteOptions,
    private val resultOptions: ResultOptions,
    private val writer: WriterSettings,
    private val progress: Progress,
) {
    suspend fun runAll(statements: List<String>, params: List<ParamArg>, out: OutputStream) {
        if (statements.size == 1) {
            runOne(out, statements[0], parametersFor(statements[0], params, single = true)) { sql, p -> client.submit(sql, p, executeOptions) }
            return
        }
        val session = client.openSession()
        try {
            runEach(statements, params, out) { s, p -> session.submit(s, p, executeOptions) }
        } finally {
            withContext(NonCancellable) { withTimeoutOrNull(10.seconds) { runCatching { session.close() } } }
        }
    }

    /**
     * Runs [statements] in order, each submitted with [submit] (e.g. into a session the caller
     * owns) with the `-p` parameters it mentions; the first failure stops the rest.
     */
    suspend fun runEach(
        statements: List<String>,
        params: List<ParamArg>,
        out: OutputStream,
        submit: suspend (String, StatementParameters) -> StatementHandle,
    ) {
        statements.forEachIndexed { i, sql ->
            if (i > 0 && writer.format != OutputFormat.JSONL) out.write("\n".toByteArray())
            runOne(out, sql, parametersFor(sql, params, single = false), submit)
        }
    }

    /** Reads the result of an already submitted statement ([handle]) to [out]. */
    suspend fun resume(handle: StatementHandle, out: OutputStream) {
        progress.running(handle.statementId)
        ticking { write(null, emptyList(), client.resumeBatches(handle, resultOptions), out) }
    }

    private suspend fun runOne(out: OutputStream, sql: String, params: StatementParameters, submit: suspend (String, StatementParameters) -> StatementHandle) {
        val handle = submit(sql, params)
        progress.running(handle.statementId)
        var finished = false
        var awaited = false
        try {
            ticking {
                val result = client.await(handle) // cancelled, it cancels the statement itself
                awaited = true
                write(result.manifest.totalRowCount, result.manifest.columns.map { it.name }, result.batches(resultOptions), out)
            }
            finished = true
        } finally {
            withContext(NonCancellable) {
                withTimeoutOrNull(10.seconds) {
                    if (awaited && !finished) runCatching { client.cancel(handle) }
                    runCatching { client.close(handle) }
                }
            }
        }
    }

    private suspend fun write(totalRows: Long?, manifestColumns: List<String>, batches: Flow<RecordBatch>, out: OutputStream) {
        progress.downloading(totalRows)
        val w = resultWriter(writer, out)
        var columns = manifestColumns
        batches.collect { batch ->
            batch.use {
                columns = it.schema.fields.map { f -> f.name }
                w.batch(it)
                progress.add(it.rowCount.toLong(), it.root.fieldVectors.sumOf { v -> v.bufferSize.toLong() })
            }
        }
        w.finish(columns)
        out.flush()
    }

    /** Runs [block] while a ticker redraws the progress line; the summary follows when it succeeded. */
    private suspend fun ticking(block: suspend () -> Unit) {
        var ok = false
        try {
            coroutineScope {
                val ticker = launch {
                    while (isActive) {
                        delay(250)
                        progress.tick()
                    }
                }
                try {
                    block()
                } finally {
                    ticker.cancel()
                }
            }
            ok = true
        } finally {
            progress.done(ok)
        }
    }

    /** The `-p` parameters a statement uses: all of them for a single statement, else those it mentions. */
    private fun parametersFor(sql: String, params: List<ParamArg>, single: Boolean): StatementParameters {
        val used = if (single) params else params.filter { SqlScript.mentions(sql, it.name) }
        return StatementParameters(used.map { SqlParameter.named(it.name, it.value, it.type ?: "STRING") })
    }
}
