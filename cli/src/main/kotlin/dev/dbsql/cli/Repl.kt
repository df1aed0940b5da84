package dev.dbsql.cli

import dev.dbsql.core.DatabricksSqlClient
import dev.dbsql.core.ExecuteOptions
import dev.dbsql.core.Session
import dev.dbsql.core.SessionNotFoundException
import dev.dbsql.core.StatementHandle
import dev.dbsql.core.StatementParameters
import dev.dbsql.flow.ResultOptions
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.Deferred
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.async
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.ensureActive
import kotlinx.coroutines.runInterruptible
import kotlinx.coroutines.supervisorScope
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeoutOrNull
import org.jline.reader.EndOfFileException
import org.jline.reader.LineReader
import org.jline.reader.LineReaderBuilder
import org.jline.reader.UserInterruptException
import org.jline.terminal.Terminal
import org.jline.terminal.TerminalBuilder
import java.io.OutputStream
import java.io.PrintStream
import java.io.PrintWriter
import java.nio.file.Path
import java.util.concurrent.Executors
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds

/**
 * The interactive mode (`dbsql` with no SQL and a terminal on standard input): JLine line editing
 * and history, statements ending in `;` (over several lines), meta-commands ([ReplInput]).
 * Statements run in one server-side session, opened at the first statement and deleted at the end.
 *
 * Ctrl-C while a statement runs cancels that statement (the SDK cancels it on the server) and
 * returns to the prompt; Ctrl-C at the prompt clears the input; Ctrl-D on an empty line, `\q`,
 * `quit` or `exit` leave with exit code 0. The terminal is read on a thread of its own (this
 * class owns it); cancelling [run] (SIGTERM) interrupts the read and ends the session.
 * Results go to [out]; the prompt and the replies of meta-commands to the terminal (standard
 * output, or standard error when standard output is redirected); errors and progress to [err].
 */
internal class Repl(
    private val client: DatabricksSqlClient,
    private val options: CliOptions,
    private val target: String,
    private val out: OutputStream,
    private val err: PrintStream,
    private val errIsTerminal: Boolean,
    private val outIsTerminal: Boolean,
    private val historyFile: Path?,
    private val policy: HistoryPolicy,
) {
    private var format = options.format
    private var timing = options.timing
    private var session: Session? = null

    /** The statements running now; cancelled by Ctrl-C (on JLine's signal thread). */
    @Volatile
    private var running: Deferred<Unit>? = null
    private val executeOptions = ExecuteOptions(waitTimeout = Duration.ZERO, rowLimit = options.maxRows, tag = "dbsql-cli")
    private val resultOptions = ResultOptions(allowTruncated = options.maxRows != null)

    suspend fun run(): Int {
        // No probing of the terminal's modes (grapheme clusters, Kitty keyboard): the probe discards
        // what was typed meanwhile, and a statement typed (or pasted) while dbsql starts must survive.
        val terminal = TerminalBuilder.builder().system(true).systemOutput(TerminalBuilder.SystemOutput.SysOutOrSysErr).graphemeCluster(false).build()
        val thread = Executors.newSingleThreadExecutor { r -> Thread(r, "dbsql-input").apply { isDaemon = true } }
        val input = thread.asCoroutineDispatcher()
        try {
            val reader = LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("dbsql")
                .parser(ReplParser())
                .history(ReplHistory(policy))
                .apply { historyFile?.let { variable(LineReader.HISTORY_FILE, it) } }
                .variable(LineReader.SECONDARY_PROMPT_PATTERN, CONTINUATION)
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true) // `!=` is SQL, not a history event
                .option(LineReader.Option.HISTORY_IGNORE_SPACE, true)
                .option(LineReader.Option.KITTY_KEYBOARD, false)
                .build()
            // JLine routes SIGINT to this handler, except while it reads a line (then it clears the line).
            terminal.handle(Terminal.Signal.INT) { running?.cancel() }
            val say = terminal.writer()
            say.println("dbsql: connected to $target. End statements with ';'. \\help lists the commands; \\q or Ctrl-D leaves.")
            say.flush()
            while (true) {
                val text = when (val read = runInterruptible(input) { read(reader) }) {
                    Read.End -> break
                    Read.Cleared -> continue
                    is Read.Line -> read.text
                }
                if (!act(ReplInput.parse(text), say)) break
            }
        } finally {
            withContext(NonCancellable) {
                session?.let { s -> withTimeoutOrNull(10.seconds) { runCatching { s.close() } } }
                runCatching { terminal.close() }
                input.close()
            }
        }
        return ExitCode.OK
    }

    private sealed interface Read {
        data class Line(val text: String) : Read
        data object Cleared : Read
        data object End : Read
    }

    /** On the input thread. */
    private fun read(reader: LineReader): Read = try {
        Read.Line(reader.readLine(PROMPT))
    } catch (e: UserInterruptException) {
        Thread.interrupted() // Ctrl-C interrupted this thread: do not carry the flag into the next read
        Read.Cleared
    } catch (e: EndOfFileException) {
        Read.End
    }

    /** Does what [command] asks; false to leave. */
    private suspend fun act(command: ReplCommand, say: PrintWriter): Boolean {
        when (command) {
            ReplCommand.Empty -> Unit
            ReplCommand.Quit -> return false
            ReplCommand.Help -> say.println(ReplInput.HELP)
            is ReplCommand.Invalid -> say.println("dbsql: ${command.message}")
            is ReplCommand.Format -> {
                command.format?.let { format = it }
                say.println("format: ${format.name.lowercase()}")
            }
            is ReplCommand.Timing -> {
                timing = command.on ?: !timing
                say.println("timing: ${if (timing) "on" else "off"}")
            }
            is ReplCommand.Describe -> runStatements(listOf(command.table?.let { "DESCRIBE TABLE $it" } ?: "SHOW TABLES"), say)
            is ReplCommand.Sql -> runStatements(command.statements, say)
        }
        say.flush()
        return true
    }

    /**
     * Runs [statements] in the session, reporting a failure on [err] and going on. Ctrl-C
     * cancels them; a cancellation of the caller (SIGTERM) is rethrown. A closed standard output
     * ends the interactive mode ([OutputClosedException]).
     */
    private suspend fun runStatements(statements: List<String>, say: PrintWriter) {
        say.flush()
        val progress = Progress(err, options.progress ?: errIsTerminal, timing, drawDownload = !outIsTerminal)
        val runner = Runner(client, executeOptions, resultOptions, WriterSettings(format, options.nullAs, options.noTruncate), progress)
        supervisorScope {
            val work = async {
                val limit = options.timeout
                if (limit == null) {
                    runner.runEach(statements, options.params, out, ::submit)
                } else if (withTimeoutOrNull(limit) { runner.runEach(statements, options.params, out, ::submit) } == null) {
                    err.println("dbsql: timed out after $limit; the statement was cancelled")
                }
            }
            running = work
            try {
                work.await()
            } catch (e: CancellationException) {
                currentCoroutineContext().ensureActive() // SIGTERM: leave
                err.println("dbsql: cancelled; the statement was cancelled on the server")
            } catch (e: OutputClosedException) {
                throw e
            } catch (e: Exception) {
                err.println(ErrorText.failure(e).second)
            } finally {
                running = null
            }
        }
        err.flush()
    }

    /** Submits into the session; one that the server no longer knows (expired) is replaced once, with a note. */
    private suspend fun submit(sql: String, params: StatementParameters): StatementHandle {
        val current = session ?: client.openSession().also { session = it }
        return try {
            current.submit(sql, params, executeOptions)
        } catch (e: SessionNotFoundException) {
            session = null
            err.println("dbsql: the server-side session ended; a new one is opened (USE, SET and temporary views start over)")
            client.openSession().also { session = it }.submit(sql, params, executeOptions)
        }
    }

    companion object {
        const val PROMPT: String = "dbsql> "
        const val CONTINUATION: String = "   ..> "
    }
}
