package dev.dbsql.cli

import dev.dbsql.auth.CredentialsException
import dev.dbsql.core.AuthenticationException
import dev.dbsql.core.ConfigurationException
import dev.dbsql.core.DatabricksSqlClient
import dev.dbsql.core.DatabricksSqlException
import dev.dbsql.core.ExecuteOptions
import dev.dbsql.core.InvalidHandleException
import dev.dbsql.core.PermissionDeniedException
import dev.dbsql.core.SqlException
import dev.dbsql.core.StatementCanceledException
import dev.dbsql.core.StatementHandle
import dev.dbsql.flow.RecordBatch
import dev.dbsql.flow.ResultOptions
import dev.dbsql.flow.executeStreaming
import dev.dbsql.flow.resumeBatches
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.withTimeoutOrNull
import kotlin.coroutines.cancellation.CancellationException
import java.io.OutputStream
import java.io.PrintStream
import java.nio.file.Files
import java.nio.file.NoSuchFileException
import java.nio.file.Path
import kotlin.time.Duration

/** Exit codes of `dbsql` (also listed in [USAGE]). */
object ExitCode {
    const val OK = 0
    const val SQL_ERROR = 1
    const val USAGE = 2
    const val AUTH = 3
    const val CANCELED = 4
    const val OTHER = 5
    const val TIMEOUT = 6
    const val INTERRUPTED = 130
    const val TERMINATED = 143
}

/**
 * The `dbsql` tool, apart from process concerns (signals, exit): [run] returns the exit code.
 * Results go to [out] (or `--output`), messages and progress to [err].
 */
class Cli(
    private val out: OutputStream,
    private val err: PrintStream,
    private val env: Map<String, String> = System.getenv(),
    private val home: Path = Path.of(System.getProperty("user.home")),
    private val errIsTerminal: Boolean = System.console() != null,
) {
    suspend fun run(args: Array<String>): Int {
        val options = try {
            parseArgs(args)
        } catch (e: UsageException) {
            return usage(e.message)
        }
        if (options.help) return ExitCode.OK.also { PrintStream(out, true).println(USAGE) }
        if (options.version) return ExitCode.OK.also { PrintStream(out, true).println("dbsql ${javaClass.`package`?.implementationVersion ?: "0.1.0-SNAPSHOT"}") }
        return try {
            Target.resolve(options, env, home).use { target -> bounded(options) { act(options, target) } }
        } catch (e: UsageException) {
            usage(e.message)
        } catch (e: CancellationException) {
            throw e // Ctrl-C / SIGTERM: main reports it, with the signal's exit code
        } catch (e: Exception) {
            failure(e)
        }
    }

    /**
     * Runs [block] within `--timeout`. When it fires, [block] is cancelled: the SDK cancels the
     * statement on the server (bounded, in a non-cancellable block) before this returns.
     */
    private suspend fun bounded(options: CliOptions, block: suspend () -> Int): Int {
        val limit = options.timeout ?: return block()
        return withTimeoutOrNull(limit) { block() } ?: run {
            err.println("dbsql: timed out after $limit; the statement was cancelled")
            ExitCode.TIMEOUT
        }
    }

    private suspend fun act(options: CliOptions, target: Target): Int {
        if ((options.resume != null || options.cancel != null) && target.isEmbedded) {
            throw UsageException("--resume and --cancel need a workspace (or a local warehouse started with `java -jar local-warehouse.jar`): the embedded one lives for one run only")
        }
        val progress = Progress(err, options.progress ?: errIsTerminal)
        DatabricksSqlClient(target.config, target.credentials).use { client ->
            // No server-side wait: the statement ID is known at once, so Ctrl-C can always cancel it.
            val executeOptions = ExecuteOptions(waitTimeout = Duration.ZERO, rowLimit = options.maxRows, tag = "dbsql-cli")
            // --max-rows asks for a cut result: reading it is not an error.
            val resultOptions = ResultOptions(allowTruncated = options.maxRows != null)
            when {
                options.cancel != null -> {
                    val handle = readHandle(options.cancel)
                    client.cancel(handle)
                    val status = client.status(handle)
                    err.println("cancel sent for statement ${handle.statementId}; it is now ${status.stateName}")
                }
                options.submit -> {
                    val handle = client.submit(options.sql!!, options = executeOptions)
                    withOutput(options) { it.write((handle.toJson() + "\n").toByteArray()) }
                }
                options.resume != null -> {
                    val handle = readHandle(options.resume)
                    write(options, client.resumeBatches(handle, resultOptions), progress)
                }
                else -> write(options, client.executeStreaming(options.sql!!, executeOptions = executeOptions, resultOptions = resultOptions), progress)
            }
        }
        return ExitCode.OK
    }

    private suspend fun write(options: CliOptions, batches: Flow<RecordBatch>, progress: Progress) {
        withOutput(options) { stream ->
            val writer = resultWriter(options.format, stream)
            var columns = emptyList<String>()
            try {
                batches.collect { batch ->
                    batch.use {
                        columns = it.schema.fields.map { f -> f.name }
                        writer.batch(it)
                        progress.add(it.rowCount.toLong(), it.root.fieldVectors.sumOf { v -> v.bufferSize.toLong() })
                    }
                }
            } finally {
                progress.done()
            }
            writer.finish(columns)
        }
    }

    private inline fun withOutput(options: CliOptions, block: (OutputStream) -> Unit) {
        val target = options.output
        if (target == null) {
            block(out)
            out.flush()
        } else {
            Files.newOutputStream(target).buffered(1 shl 16).use(block)
        }
    }

    private fun readHandle(path: Path): StatementHandle = try {
        StatementHandle.fromJson(Files.readString(path))
    } catch (e: NoSuchFileException) {
        throw UsageException("handle file $path does not exist")
    }

    private fun usage(message: String?): Int {
        err.println("dbsql: $message")
        err.println("Try 'dbsql --help'.")
        return ExitCode.USAGE
    }

    private fun failure(e: Exception): Int {
        val (code, kind) = when (e) {
            is SqlException -> ExitCode.SQL_ERROR to "SQL error"
            is AuthenticationException, is PermissionDeniedException, is CredentialsException -> ExitCode.AUTH to "authentication failed"
            is StatementCanceledException -> ExitCode.CANCELED to "statement canceled"
            is InvalidHandleException -> ExitCode.USAGE to "bad handle"
            is ConfigurationException -> ExitCode.USAGE to "bad configuration"
            is DatabricksSqlException -> ExitCode.OTHER to "error"
            else -> ExitCode.OTHER to "error"
        }
        val detail = (e as? DatabricksSqlException)?.let { ex ->
            listOfNotNull(ex.sqlState?.let { "SQLSTATE $it" }, ex.statementId?.let { "statement $it" }).joinToString(", ")
        }.orEmpty()
        err.println("dbsql: $kind: ${e.message?.trim() ?: e.javaClass.simpleName}" + if (detail.isNotEmpty()) " ($detail)" else "")
        return code
    }
}
