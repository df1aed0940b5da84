package dev.dbsql.cli

import dev.dbsql.core.ConfigurationException
import dev.dbsql.core.DatabricksSqlClient
import dev.dbsql.core.DatabricksSqlException
import dev.dbsql.core.ExecuteOptions
import dev.dbsql.core.StatementHandle
import dev.dbsql.flow.ResultOptions
import kotlinx.coroutines.withTimeoutOrNull
import kotlin.coroutines.cancellation.CancellationException
import java.io.IOException
import java.io.InputStream
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
    const val OUTPUT_CLOSED = 141
    const val TERMINATED = 143
}

/** The most SQL text read from a file or standard input. */
const val MAX_SQL_BYTES: Int = 16 shl 20

/**
 * The `dbsql` tool, apart from process concerns (signals, exit): [run] returns the exit code.
 * Results go to [out] (or `--output`), messages and progress to [err]. SQL may be read from
 * [stdin] (with `-`, or when no SQL is given and [stdinIsTerminal] is false); with no SQL and
 * [stdinIsTerminal], the interactive mode ([Repl]) reads the process's terminal.
 */
class Cli(
    private val out: OutputStream,
    private val err: PrintStream,
    private val env: Map<String, String> = System.getenv(),
    private val home: Path = Path.of(env["HOME"]?.takeIf { it.isNotBlank() } ?: System.getProperty("user.home")),
    private val errIsTerminal: Boolean = Terminal.isTerminal(2),
    private val stdin: InputStream = InputStream.nullInputStream(),
    /** With no SQL given: true starts the interactive mode, false reads the SQL from [stdin]. */
    private val stdinIsTerminal: Boolean = false,
    private val outIsTerminal: Boolean = false,
) {
    suspend fun run(args: Array<String>): Int {
        val options = try {
            parseArgs(args)
        } catch (e: UsageException) {
            return usage(e.message)
        }
        if (options.help) return ExitCode.OK.also { PrintStream(out, true).println(USAGE) }
        if (options.version) return ExitCode.OK.also { PrintStream(out, true).println("dbsql ${javaClass.`package`?.implementationVersion ?: "0.1.0-SNAPSHOT"}") }
        if (options.source == null && options.resume == null && options.cancel == null && stdinIsTerminal) return interactive(options)
        var file: AtomicFileOutput? = null
        return try {
            val statements = statements(options)
            if (statements != null && options.submit && statements.size != 1) throw UsageException("--submit takes one statement (got ${statements.size})")
            if (statements != null && options.format == OutputFormat.ARROW && statements.size > 1) {
                throw UsageException("--format arrow writes one result; the SQL has ${statements.size} statements")
            }
            options.output?.let { AtomicFileOutput.checkTarget(it) }
            Target.resolve(options, env, home).use { target ->
                if (options.submit && target.isEmbedded) {
                    throw UsageException(
                        "--submit needs a workspace (or a local warehouse started with `java -jar local-warehouse.jar`): " +
                            "the embedded warehouse stops when this process exits, so the handle would be useless",
                    )
                }
                val opened = options.output?.let { AtomicFileOutput.open(it) }
                file = opened
                val sink = opened?.stream ?: out
                bounded(options) { act(options, statements, target, sink) }.also { code ->
                    if (code == ExitCode.OK) opened?.commit()
                }
            }
        } catch (e: UsageException) {
            usage(e.message)
        } catch (e: CancellationException) {
            throw e // Ctrl-C / SIGTERM: main reports it, with the signal's exit code
        } catch (e: OutputClosedException) {
            ExitCode.OUTPUT_CLOSED // like other tools in a pipeline: quietly (the statement was cancelled)
        } catch (e: Exception) {
            failure(e)
        } finally {
            file?.let { f ->
                f.close()
                if (!f.isCommitted) err.println("dbsql: ${f.target} was not written; no partial file was left")
            }
        }
    }

    /** The interactive mode ([Repl]); options that make no sense there are refused. */
    private suspend fun interactive(options: CliOptions): Int = try {
        when {
            options.submit -> throw UsageException("--submit needs SQL (the interactive mode runs statements as you type them)")
            options.output != null -> throw UsageException("--output needs SQL; the interactive mode prints to the terminal")
            options.format == OutputFormat.ARROW -> throw UsageException("--format arrow needs SQL and --output; the interactive mode prints text")
        }
        Target.resolve(options, env, home).use { target ->
            DatabricksSqlClient(target.config, target.credentials).use { client ->
                Repl(
                    client, options, target.description, out, err, errIsTerminal, outIsTerminal,
                    HistoryPolicy.file(env, home), HistoryPolicy.of(env, options.params),
                ).run()
            }
        }
    } catch (e: UsageException) {
        usage(e.message)
    } catch (e: CancellationException) {
        throw e
    } catch (e: OutputClosedException) {
        ExitCode.OUTPUT_CLOSED
    } catch (e: Exception) {
        failure(e)
    }

    /** The statements to run, or null for `--resume` / `--cancel`. */
    private fun statements(options: CliOptions): List<String>? {
        if (options.resume != null || options.cancel != null) return null
        val source = options.source ?: SqlSource.Stdin
        val text = when (source) {
            is SqlSource.Text -> source.sql
            is SqlSource.File -> try {
                if (Files.size(source.path) > MAX_SQL_BYTES) throw UsageException("-f ${source.path} is larger than ${MAX_SQL_BYTES shr 20} MiB")
                Files.readString(source.path)
            } catch (e: NoSuchFileException) {
                throw UsageException("-f ${source.path}: no such file")
            } catch (e: IOException) {
                throw UsageException("-f ${source.path}: cannot read it (${e.message})")
            }
            SqlSource.Stdin -> {
                val bytes = stdin.readNBytes(MAX_SQL_BYTES + 1)
                if (bytes.size > MAX_SQL_BYTES) throw UsageException("the SQL on standard input is larger than ${MAX_SQL_BYTES shr 20} MiB")
                String(bytes, Charsets.UTF_8)
            }
        }
        val statements = SqlScript.split(text)
        if (statements.isEmpty()) throw UsageException(if (source == SqlSource.Stdin) "no SQL given (standard input has no statement)" else "no SQL given")
        return statements
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

    private suspend fun act(options: CliOptions, statements: List<String>?, target: Target, sink: OutputStream): Int {
        if ((options.resume != null || options.cancel != null) && target.isEmbedded) {
            throw UsageException("--resume and --cancel need a workspace (or a local warehouse started with `java -jar local-warehouse.jar`): the embedded one lives for one run only")
        }
        val progress = Progress(err, options.progress ?: errIsTerminal, options.timing, drawDownload = options.output != null || !outIsTerminal)
        DatabricksSqlClient(target.config, target.credentials).use { client ->
            // No server-side wait: the statement ID is known at once, so Ctrl-C can always cancel it.
            val executeOptions = ExecuteOptions(waitTimeout = Duration.ZERO, rowLimit = options.maxRows, tag = "dbsql-cli")
            // --max-rows asks for a cut result: reading it is not an error.
            val resultOptions = ResultOptions(allowTruncated = options.maxRows != null)
            val runner = Runner(client, executeOptions, resultOptions, WriterSettings(options.format, options.nullAs, options.noTruncate), progress)
            when {
                options.cancel != null -> {
                    val handle = readHandle(options.cancel)
                    client.cancel(handle)
                    val status = client.status(handle)
                    err.println("cancel sent for statement ${handle.statementId}; it is now ${status.stateName}")
                }
                options.submit -> {
                    val p = options.params.map { dev.dbsql.core.SqlParameter.named(it.name, it.value, it.type ?: "STRING") }
                    val handle = client.submit(statements!!.single(), dev.dbsql.core.StatementParameters(p), executeOptions)
                    sink.write((handle.toJson() + "\n").toByteArray())
                    sink.flush()
                }
                options.resume != null -> runner.resume(readHandle(options.resume), sink)
                else -> runner.runAll(statements!!, options.params, sink)
            }
        }
        return ExitCode.OK
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
        val (code, line) = ErrorText.failure(e)
        err.println(line)
        return code
    }
}
