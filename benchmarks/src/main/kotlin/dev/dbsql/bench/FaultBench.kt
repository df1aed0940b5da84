package dev.dbsql.bench

import dev.dbsql.core.StatementResult
import dev.dbsql.flow.ResultOptions

/**
 * P7: the SDK reading the main result clean, with straggler chunks (one download in 50, at least
 * one, delayed by 5 × the average time one download slot spends on a chunk), and with expired links
 * (a download answered 403 once, and a link issued already expired), alternating run by run.
 * Faults are installed on the warehouse over `POST /admin/faults` right before each run.
 */
class FaultBench(private val plan: Plan, private val wh: WarehouseProcess) {
    /** The straggler delay used, for the report. */
    var delayMillis: Long = 0
        private set

    fun run(result: StatementResult): List<Measure> {
        val n = result.manifest.totalChunkCount
        val rows = result.manifest.totalRowCount
        val options = ResultOptions(concurrency = plan.concurrency)
        fun pass(): Double = seconds { check(readFlow(result, options).rows == rows) { "rows lost under faults" } }
        wh.clearFaults()
        val warm = pass()
        val perSlot = warm * minOf(plan.concurrency, n) / n
        delayMillis = maxOf(20L, (5 * perSlot * 1000).toLong())
        val stragglers = maxOf(1, n / 50)
        val slow = (0 until stragglers).joinToString(",", "[", "]") { k ->
            val nth = ((k + 0.5) * n / stragglers).toInt().coerceIn(1, n)
            """{"endpoint":"DOWNLOAD","fault":"DELAY","delay_ms":$delayMillis,"nth":$nth}"""
        }
        val expiredEvents = maxOf(1, n / 50)
        val expired = (0 until expiredEvents).flatMap { k ->
            val a = ((k + 0.33) * n / expiredEvents).toInt().coerceIn(1, n)
            val b = ((k + 0.66) * n / expiredEvents).toInt().coerceIn(1, n)
            listOf(
                """{"endpoint":"DOWNLOAD","fault":"STATUS","status":403,"message":"Request has expired","nth":$a}""",
                """{"endpoint":"CHUNK","fault":"EXPIRED_LINKS","expires_in_ms":0,"nth":$b}""",
            )
        }.joinToString(",", "[", "]")
        Log.info("  P7: $n chunks, ${fmt(warm)} s clean; $stragglers straggler(s) of $delayMillis ms; $expiredEvents × (403 + expired link)")
        val clean = ArrayList<Double>()
        val slowed = ArrayList<Double>()
        val expiring = ArrayList<Double>()
        var fired = ""
        repeat(plan.runs) { i ->
            clean += pass()
            wh.addFaults(slow)
            slowed += pass()
            fired = wh.faults()
            wh.clearFaults()
            wh.addFaults(expired)
            expiring += pass()
            fired += " " + wh.faults()
            wh.clearFaults()
            Log.info("  P7 run ${i + 1}: clean ${fmt(clean.last())} s, slow ${fmt(slowed.last())} s, expired ${fmt(expiring.last())} s")
        }
        check(fired.contains("\"fired\":1")) { "faults did not fire: $fired" }
        return listOf(
            Measure("p7-clean", "clean run", "s", clean),
            Measure("p7-slow", "$stragglers straggler chunk(s) delayed $delayMillis ms (5 × a slot's time per chunk)", "s", slowed),
            Measure("p7-expired", "$expiredEvents × (download answered 403 once + link issued already expired)", "s", expiring),
        )
    }
}
