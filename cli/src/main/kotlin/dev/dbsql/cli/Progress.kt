package dev.dbsql.cli

import java.io.PrintStream

/**
 * Progress of one statement on [err], redrawn in place (at most every [everyMillis]) when
 * [enabled]: the elapsed time and statement ID while it runs, then rows, MiB, rate and a
 * percentage (when the manifest gives the total) while the result downloads, and one summary line
 * at the end. [timing] prints the summary line even when progress is off. Thread-safe.
 * When standard output is the same terminal, only the running phase is drawn ([drawDownload]).
 */
class Progress(
    private val err: PrintStream,
    private val enabled: Boolean,
    private val timing: Boolean = false,
    /** False when the result goes to the same terminal: then the download line would mix with the rows. */
    private val drawDownload: Boolean = true,
    private val everyMillis: Long = 250,
) {
    private var started = System.nanoTime()
    private var downloadStarted = 0L
    private var lastDraw = 0L
    private var drawn = false
    private var statementId: String? = null
    private var totalRows: Long? = null
    var rows: Long = 0
        private set
    var bytes: Long = 0
        private set

    @Synchronized
    fun running(statementId: String) {
        this.statementId = statementId
        started = System.nanoTime()
        rows = 0
        bytes = 0
        downloadStarted = 0
        totalRows = null
        tick()
    }

    @Synchronized
    fun downloading(totalRows: Long?) {
        this.totalRows = totalRows?.takeIf { it > 0 }
        downloadStarted = System.nanoTime()
        if (!drawDownload && drawn) {
            err.print("\r\u001b[2K")
            err.flush()
            drawn = false
        }
    }

    @Synchronized
    fun add(rows: Long, bytes: Long) {
        this.rows += rows
        this.bytes += bytes
        tick()
    }

    /** Redraws when enough time passed. */
    @Synchronized
    fun tick() {
        if (!enabled || (!drawDownload && downloadStarted != 0L)) return
        val now = System.nanoTime()
        if (drawn && (now - lastDraw) / 1_000_000 < everyMillis) return
        lastDraw = now
        val id = statementId?.let { "  statement $it" }.orEmpty()
        val line = if (downloadStarted == 0L) {
            "running %s%s".format(seconds(now - started), id)
        } else {
            val mib = bytes / 1048576.0
            val secs = (now - downloadStarted) / 1e9
            val pct = totalRows?.let { "  %d%%".format((rows * 100 / it).coerceAtMost(100)) }.orEmpty()
            "%,d%s rows%s  %.1f MiB  %.1f MiB/s  %s".format(rows, totalRows?.let { " / %,d".format(it) }.orEmpty(), pct, mib, if (secs > 0) mib / secs else 0.0, seconds(now - started))
        }
        err.print("\r\u001b[2K$line")
        err.flush()
        drawn = true
    }

    /** Clears the progress line and prints the summary (with progress or [timing]). */
    @Synchronized
    fun done(succeeded: Boolean) {
        val now = System.nanoTime()
        if (enabled && drawn) err.print("\r\u001b[2K")
        drawn = false
        if (succeeded && (enabled || timing)) {
            val total = now - started
            val run = if (downloadStarted == 0L) total else downloadStarted - started
            val mib = bytes / 1048576.0
            err.println(
                "%,d row%s, %.1f MiB in %s (run %s, fetch %s)%s".format(
                    rows, if (rows == 1L) "" else "s", mib, seconds(total), seconds(run), seconds(total - run),
                    statementId?.let { ", statement $it" }.orEmpty(),
                ),
            )
        }
        err.flush()
    }

    private fun seconds(nanos: Long): String = "%.3f s".format(nanos / 1e9)
}
