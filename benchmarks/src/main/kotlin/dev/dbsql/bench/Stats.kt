package dev.dbsql.bench

import kotlinx.serialization.Serializable

/** Median / min / max / p95 of one series of samples. */
data class Summary(val median: Double, val min: Double, val max: Double, val p95: Double, val n: Int)

/** The summary of these samples; all NaN for an empty list. */
fun List<Double>.summary(): Summary {
    if (isEmpty()) return Summary(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0)
    val s = sorted()
    val median = if (s.size % 2 == 1) s[s.size / 2] else (s[s.size / 2 - 1] + s[s.size / 2]) / 2
    // nearest-rank p95
    val p95 = s[(Math.ceil(0.95 * s.size).toInt() - 1).coerceIn(0, s.size - 1)]
    return Summary(median, s.first(), s.last(), p95, s.size)
}

/**
 * One measured series. [values] are in [unit]; [higherIsBetter] tells the report how to read them.
 * Serializable so child JVMs can hand their series to the driver.
 */
@Serializable
data class Measure(
    val id: String,
    val label: String,
    val unit: String,
    val values: List<Double>,
    val higherIsBetter: Boolean = false,
    val note: String = "",
) {
    val summary: Summary get() = values.summary()
    val median: Double get() = summary.median
}

/** Seconds taken by [block]. */
inline fun seconds(block: () -> Unit): Double {
    val t0 = System.nanoTime()
    block()
    return (System.nanoTime() - t0) / 1e9
}

/**
 * Runs [block] [warmups] times unmeasured, then [runs] times, and returns what each measured run
 * returned. [log] gets one line per run.
 */
inline fun repeated(name: String, warmups: Int, runs: Int, block: (run: Int) -> Double): List<Double> {
    for (i in 0 until warmups) {
        val v = block(-1 - i)
        Log.info("  $name warm-up ${i + 1}/$warmups: ${fmt(v)}")
    }
    return List(runs) { i ->
        block(i).also { Log.info("  $name run ${i + 1}/$runs: ${fmt(it)}") }
    }
}

/** 3 significant-ish digits, no exponent. */
fun fmt(v: Double): String = when {
    v.isNaN() -> "n/a"
    v == 0.0 -> "0"
    Math.abs(v) >= 1000 -> "%,.0f".format(v)
    Math.abs(v) >= 100 -> "%.1f".format(v)
    Math.abs(v) >= 10 -> "%.2f".format(v)
    Math.abs(v) >= 1 -> "%.3f".format(v)
    else -> "%.4f".format(v)
}

const val MIB: Double = 1024.0 * 1024.0

/** Progress lines on stderr with the time since start. */
object Log {
    private val t0 = System.nanoTime()

    fun info(msg: String) {
        System.err.println("[bench %6.1fs] %s".format((System.nanoTime() - t0) / 1e9, msg))
    }
}
