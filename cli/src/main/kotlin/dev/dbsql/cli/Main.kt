package dev.dbsql.cli

import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.Deferred
import kotlinx.coroutines.async
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeoutOrNull
import java.io.FileDescriptor
import java.io.FileOutputStream
import java.util.concurrent.atomic.AtomicReference
import kotlin.system.exitProcess
import kotlin.time.Duration.Companion.seconds

/**
 * Entry point. Ctrl-C (SIGINT) and SIGTERM cancel the running work: the SDK then cancels the
 * statement on the server (bounded) before the process exits with 130 (SIGINT) or 143 (SIGTERM).
 * A second signal while that runs exits at once. A closed standard output (EPIPE) stops the work,
 * cancels the statement and exits 141, like a process killed by SIGPIPE.
 */
fun main(args: Array<String>) {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") ?: "error")
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err")
    val stderr = System.err
    if (args.contains("--debug")) Debug.enable(System.getenv())
    // Not System.out: a PrintStream hides write errors, so a closed pipe would go unnoticed.
    val stdout = StdoutStream(FileOutputStream(FileDescriptor.out))
    val code = runBlocking {
        val work = async { Cli(stdout, stderr, stdin = System.`in`, stdinIsTerminal = Terminal.isTerminal(0), outIsTerminal = Terminal.isTerminal(1)).run(args) }
        val signal = AtomicReference<String?>(null)
        val handled = Signals.install(listOf("INT", "TERM")) { name ->
            if (signal.compareAndSet(null, name)) {
                work.cancel()
            } else {
                System.err.println("\ndbsql: interrupted again; exiting without waiting for the cancel")
                Runtime.getRuntime().halt(exitCodeOf(name))
            }
        }
        if (!handled) shutdownHookFallback(work)
        try {
            work.await()
        } catch (e: CancellationException) {
            System.err.println("\ndbsql: interrupted; the statement was cancelled")
            exitCodeOf(signal.get())
        }
    }
    runCatching { stdout.flush() }
    System.err.flush()
    exitProcess(code)
}

private fun exitCodeOf(signal: String?): Int = if (signal == "TERM") ExitCode.TERMINATED else ExitCode.INTERRUPTED

/** Without signal handlers (a JVM without `sun.misc.Signal`): cancel from a shutdown hook, as well as it goes. */
private fun shutdownHookFallback(work: Deferred<Int>) {
    Runtime.getRuntime().addShutdownHook(
        Thread {
            if (work.isActive) {
                work.cancel()
                runBlocking { withTimeoutOrNull(10.seconds) { work.join() } }
                System.err.println("\ndbsql: interrupted; the statement was cancelled")
                System.err.flush()
            }
        },
    )
}
