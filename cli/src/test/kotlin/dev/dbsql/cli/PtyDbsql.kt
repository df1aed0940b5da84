package dev.dbsql.cli

import java.io.File
import java.util.concurrent.TimeUnit

/**
 * `dbsql` (this module's classes, a separate JVM) on a pseudo terminal made by util-linux
 * `script`: what is [send]t arrives as typed keys (Ctrl-C as `\u0003` becomes SIGINT through the
 * terminal's line discipline), and the terminal's output is collected as it comes. Every wait
 * has a hang guard and fails with the output seen so far.
 */
internal class PtyDbsql(dir: File, env: Map<String, String>, vararg args: String) : AutoCloseable {
    private val process: Process
    private val seen = StringBuilder()
    private val lock = Object()
    private var mark = 0
    private var ended = false

    init {
        check(File(SCRIPT).canExecute()) { "$SCRIPT (util-linux) is needed to drive the interactive mode through a pseudo terminal" }
        val java = File(System.getProperty("java.home"), "bin/java").path
        val command = listOf(java, "--add-opens=java.base/java.nio=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "dev.dbsql.cli.MainKt", *args)
        // the pseudo terminal starts with no size; give it one before the tool starts
        val shell = "stty cols 160 rows 50 && exec " + command.joinToString(" ") { quote(it) }
        process = ProcessBuilder(SCRIPT, "-qefc", shell, "/dev/null").directory(dir).redirectErrorStream(true).apply {
            environment().apply {
                keys.removeIf { it.startsWith("DATABRICKS_") || it == "DBSQL_HISTORY" }
                put("HOME", dir.path)
                put("TERM", "xterm")
                putAll(env)
            }
        }.start()
        Thread({
            val reader = process.inputStream.reader(Charsets.UTF_8)
            val buffer = CharArray(4096)
            while (true) {
                val n = try { reader.read(buffer) } catch (e: Exception) { -1 }
                if (n < 0) {
                    synchronized(lock) {
                        ended = true
                        lock.notifyAll()
                    }
                    break
                }
                synchronized(lock) {
                    seen.append(buffer, 0, n)
                    lock.notifyAll()
                }
            }
        }, "pty-reader").apply { isDaemon = true }.start()
    }

    /** Types [keys]. */
    fun send(keys: String) {
        process.outputStream.write(keys.toByteArray(Charsets.UTF_8))
        process.outputStream.flush()
    }

    /**
     * Waits until the output after the previous match holds [text] (escape sequences and carriage
     * returns removed) and returns that output; the next wait starts after it.
     */
    fun await(text: String, timeoutSeconds: Long = 90): String {
        val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds)
        synchronized(lock) {
            while (true) {
                val plain = plain(seen.substring(mark))
                val at = plain.indexOf(text)
                if (at >= 0) {
                    // advance the mark to the raw position where the matched text ends
                    var end = mark + at + text.length
                    while (end < seen.length && !plain(seen.substring(mark, end)).contains(text)) end++
                    mark = end
                    return plain.substring(0, at + text.length)
                }
                val left = deadline - System.nanoTime()
                check(left > 0 && !ended) {
                    "no '$text' on the terminal within ${timeoutSeconds}s (ended: $ended); it showed:\n${plain(seen.toString())}"
                }
                lock.wait(TimeUnit.NANOSECONDS.toMillis(left).coerceIn(1, 200))
            }
        }
    }

    /** Sends [signal] (e.g. `TERM`) to the `dbsql` process itself (the child of `script`). */
    fun signal(signal: String) {
        val java = process.toHandle().descendants().filter { it.info().command().orElse("").endsWith("/java") }.findFirst()
            .orElseThrow { IllegalStateException("no dbsql process under script") }
        check(ProcessBuilder("kill", "-$signal", java.pid().toString()).start().waitFor() == 0) { "kill -$signal failed" }
    }

    /** Everything the terminal showed so far, as text. */
    fun output(): String = synchronized(lock) { plain(seen.toString()) }

    /** Waits for the process to end; its exit code. */
    fun exitCode(timeoutSeconds: Long = 90): Int {
        check(process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) { "dbsql did not exit; the terminal showed:\n${output()}" }
        return process.exitValue()
    }

    override fun close() {
        if (process.isAlive) process.destroyForcibly().waitFor(30, TimeUnit.SECONDS)
    }

    companion object {
        const val SCRIPT = "/usr/bin/script"
        private val escapes = Regex("""\u001b(\[[0-9;?<=>]*[ -/]*[@-~]|\][^\u0007\u001b]*(\u0007|\u001b\\)|[()][0-9A-Za-z]|[=>78DEHM])""")

        fun plain(text: String): String = text.replace(escapes, "").replace("\r", "")

        private fun quote(arg: String): String = "'" + arg.replace("'", "'\\''") + "'"
    }
}
