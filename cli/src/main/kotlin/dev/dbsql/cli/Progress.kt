package dev.dbsql.cli

import java.io.PrintStream

/** A one-line progress report (rows, MiB, MiB/s) redrawn on [err] at most every [everyMillis]. */
class Progress(private val err: PrintStream, private val enabled: Boolean, private val everyMillis: Long = 250) {
    private val started = System.nanoTime()
    private var lastDraw = 0L
    private var drawn = false
    var rows: Long = 0
        private set
    var bytes: Long = 0
        private set

    fun add(rows: Long, bytes: Long) {
        this.rows += rows
        this.bytes += bytes
        if (!enabled) return
        val now = System.nanoTime()
        if ((now - lastDraw) / 1_000_000 >= everyMillis) {
            lastDraw = now
            draw(now)
        }
    }

    /** Clears the line (a final figure is not printed: the result speaks for itself). */
    fun done() {
        if (enabled && drawn) err.print("\r\u001b[2K")
        err.flush()
    }

    private fun draw(now: Long) {
        val seconds = (now - started) / 1e9
        val mib = bytes / 1048576.0
        val rate = if (seconds > 0) mib / seconds else 0.0
        err.print("\r\u001b[2K%,d rows  %.1f MiB  %.1f MiB/s".format(rows, mib, rate))
        err.flush()
        drawn = true
    }
}
