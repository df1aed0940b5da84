package dev.dbsql.bench

import java.lang.management.ManagementFactory
import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicBoolean

/**
 * Keeps a run from hanging: a section that overruns its limit gets a thread dump written to
 * `<logDir>/hang-<section>.txt` and its thread interrupted (which cancels a `runBlocking` and
 * aborts blocking JDK I/O). Should it still not return within [graceMillis], [onStuck] runs (it
 * writes what the run has so far) and the process exits with status 3; child JVMs are stopped by
 * their shutdown hook.
 */
class Watchdog(private val logDir: Path, private val graceMillis: Long, private val onStuck: (String) -> Unit) : AutoCloseable {
    private val timer = Executors.newSingleThreadScheduledExecutor { r -> Thread(r, "bench-watchdog").apply { isDaemon = true } }

    /** Runs [block] on this thread: its value, or what it threw (a timeout when it overran [limitMillis]). */
    fun <T> guard(name: String, limitMillis: Long, block: () -> T): Pair<T?, Throwable?> {
        val thread = Thread.currentThread()
        val fired = AtomicBoolean()
        val soft = timer.schedule({
            fired.set(true)
            val dump = dump(name)
            Log.info("!! $name overran ${limitMillis / 1000} s: thread dump in $dump; interrupting it")
            thread.interrupt()
        }, limitMillis, TimeUnit.MILLISECONDS)
        val hard = timer.schedule({
            Log.info("!! $name did not stop ${graceMillis / 1000} s after the interrupt: writing the report and exiting")
            runCatching { onStuck(name) }.onFailure { Log.info("!! could not write the report: $it") }
            System.exit(3)
        }, limitMillis + graceMillis, TimeUnit.MILLISECONDS)
        try {
            val value = block()
            return value to (if (fired.get()) timeout(name, limitMillis, null) else null)
        } catch (e: Throwable) {
            return null to (if (fired.get()) timeout(name, limitMillis, e) else e)
        } finally {
            soft.cancel(false)
            hard.cancel(false)
            Thread.interrupted() // clear a late interrupt
        }
    }

    private fun timeout(name: String, limitMillis: Long, cause: Throwable?) =
        IllegalStateException("$name timed out after ${limitMillis / 1000} s (thread dump: ${logDir.resolve(fileName(name))})", cause)

    private fun fileName(name: String) = "hang-" + name.replace(Regex("[^A-Za-z0-9]+"), "-").trim('-') + ".txt"

    private fun dump(name: String): Path {
        val file = logDir.resolve(fileName(name))
        val text = buildString {
            for (info in ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
                appendLine("\"${info.threadName}\" ${info.threadState}${info.lockName?.let { " on $it" } ?: ""}")
                info.stackTrace.forEach { appendLine("    at $it") }
                appendLine()
            }
        }
        runCatching { Files.createDirectories(logDir); Files.writeString(file, text) }
        return file
    }

    override fun close() {
        timer.shutdownNow()
    }
}
