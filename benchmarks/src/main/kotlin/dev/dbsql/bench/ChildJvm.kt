package dev.dbsql.bench

import kotlinx.serialization.json.Json
import java.io.File
import java.nio.file.Path
import java.util.Collections
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit

/**
 * A child JVM running [mainClass] from this process's class path: the warehouse, the ceiling file
 * server and the probes that must not share the driver's heap, GC or threads. Its stdout lines are
 * queued for [awaitLine] / [results]; its stderr goes to `<logDir>/<name>.log`. [close] stops it
 * (and a shutdown hook does, should the driver die first).
 */
class ChildJvm(
    val name: String,
    mainClass: String,
    args: List<String>,
    jvmArgs: List<String>,
    logDir: Path,
) : AutoCloseable {
    private val lines = LinkedBlockingQueue<String>()
    private val all = Collections.synchronizedList(ArrayList<String>())
    val logFile: File = logDir.resolve("$name.log").toFile()
    val process: Process
    val pid: Long

    init {
        logDir.toFile().mkdirs()
        val command = listOf(javaBin()) + jvmArgs + BASE_FLAGS + listOf("-cp", classPath(), mainClass) + args
        process = ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.appendTo(logFile))
            .start()
        pid = process.pid()
        live += this
        Thread({
            process.inputStream.bufferedReader().useLines { seq ->
                seq.forEach { line -> all += line; lines.put(line) }
            }
            lines.put(EOF)
        }, "child-$name-stdout").apply { isDaemon = true }.start()
    }

    /** The first stdout line (from now on) matching [match]; fails if the child exits or [timeoutMs] passes. */
    fun awaitLine(timeoutMs: Long, match: (String) -> Boolean): String {
        val end = System.currentTimeMillis() + timeoutMs
        while (true) {
            val left = end - System.currentTimeMillis()
            if (left <= 0) error("$name: no expected output within ${timeoutMs / 1000} s (see $logFile)")
            val line = lines.poll(left, TimeUnit.MILLISECONDS) ?: continue
            if (line === EOF) {
                lines.put(EOF)
                error("$name exited (${runCatching { process.exitValue() }.getOrNull()}) before the expected output; see $logFile:\n${tail()}")
            }
            if (match(line)) return line
        }
    }

    /** Waits for the child to exit and returns the [Measure]s it printed as `RESULT {json}` lines. */
    fun results(timeoutMs: Long): List<Measure> {
        if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
            close()
            error("$name did not finish within ${timeoutMs / 1000} s (see $logFile)")
        }
        // let the reader thread drain stdout
        awaitLineOrEof()
        val code = process.exitValue()
        val found = synchronized(all) { all.filter { it.startsWith(RESULT) } }
            .map { json.decodeFromString(Measure.serializer(), it.removePrefix(RESULT)) }
        if (code != 0) error("$name exited with $code; see $logFile:\n${tail()}")
        return found
    }

    /** Every stdout line so far. */
    fun lines(): List<String> = synchronized(all) { all.toList() }

    private fun awaitLineOrEof() {
        val end = System.currentTimeMillis() + 5_000
        while (System.currentTimeMillis() < end) {
            val line = lines.poll(100, TimeUnit.MILLISECONDS) ?: continue
            if (line === EOF) return
        }
    }

    private fun tail(): String = runCatching { logFile.readLines().takeLast(15).joinToString("\n") }.getOrDefault("")

    override fun close() {
        live -= this
        if (!process.isAlive) return
        process.destroy()
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly()
            process.waitFor(5, TimeUnit.SECONDS)
        }
    }

    companion object {
        const val RESULT = "RESULT "
        private const val EOF = "\u0000EOF"
        val BASE_FLAGS = listOf(
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        )
        private val json = Json { ignoreUnknownKeys = true }
        private val live = Collections.synchronizedSet(LinkedHashSet<ChildJvm>())

        init {
            Runtime.getRuntime().addShutdownHook(Thread { synchronized(live) { live.toList() }.forEach { runCatching { it.close() } } })
        }

        fun javaBin(): String = Path.of(System.getProperty("java.home"), "bin", "java").toString()

        /** This process's class path (under Surefire the real one, not its booter jar). */
        fun classPath(): String = System.getProperty("surefire.test.class.path")?.takeIf { it.isNotBlank() }
            ?: System.getProperty("java.class.path")

        /** How a probe hands a series to the driver. */
        fun emit(measure: Measure) {
            println(RESULT + json.encodeToString(Measure.serializer(), measure))
            System.out.flush()
        }
    }
}
