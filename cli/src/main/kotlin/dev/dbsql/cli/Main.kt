package dev.dbsql.cli

import kotlinx.coroutines.Job
import kotlinx.coroutines.async
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeoutOrNull
import kotlin.system.exitProcess
import kotlin.time.Duration.Companion.seconds

/**
 * Entry point. Ctrl-C (SIGINT / SIGTERM) cancels the running work: the SDK then cancels the
 * statement on the server before the process exits (bounded to 10 s).
 */
fun main(args: Array<String>) {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") ?: "error")
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err")
    val code = runBlocking {
        val work = async { Cli(System.out, System.err).run(args) }
        val hook = Thread {
            if (work.isActive) {
                work.cancel()
                runBlocking { withTimeoutOrNull(10.seconds) { (work as Job).join() } }
                System.err.println("\ndbsql: interrupted; the statement was cancelled")
                System.err.flush()
            }
        }
        Runtime.getRuntime().addShutdownHook(hook)
        try {
            work.await()
        } catch (e: kotlinx.coroutines.CancellationException) {
            ExitCode.INTERRUPTED
        }
    }
    System.out.flush()
    exitProcess(code)
}
