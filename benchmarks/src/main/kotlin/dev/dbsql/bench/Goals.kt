package dev.dbsql.bench

/** One goal of the issue: what was measured, the target, and whether it was met (null: not measurable). */
data class Goal(val id: String, val what: String, val measured: String, val target: String, val pass: Boolean?)

/** Turns the measured series into the P1–P7 verdicts (ratios of medians unless stated). */
class Goals(private val measures: Map<String, Measure>, private val plan: Plan) {
    private fun med(id: String): Double? = measures[id]?.values?.takeIf { it.isNotEmpty() }?.summary()?.median
    private fun one(id: String): Double? = measures[id]?.values?.firstOrNull()
    private fun x(v: Double) = "%.2f ×".format(v)

    fun evaluate(): List<Goal> = listOf(p1Raw(), p1Plain(), p1Peer(), p2(), p3(), p4(), p5Throughput(), p5Threads(), p6(), p7("slow"), p7("expired"), serving())

    private fun ratio(id: String, what: String, num: String, den: String, target: String, ok: (Double) -> Boolean, unit: String = "MiB/s"): Goal {
        val a = med(num)
        val b = med(den)
        if (a == null || b == null) return Goal(id, what, "not measured (${listOfNotNull(num.takeIf { a == null }, den.takeIf { b == null }).joinToString()})", target, null)
        val r = a / b
        return Goal(id, what, "${x(r)} (${fmt(a)} vs ${fmt(b)} $unit)", target, ok(r))
    }

    private fun p1Raw() = ratio(
        "P1", "stream the ${sizeText(plan.bigBytes)} result: SDK Flow vs raw parallel download of the same bytes",
        "sdk-flow", "raw-par", "≥ 0.8 ×", { it >= 0.8 },
    )

    private fun p1Plain() = ratio(
        "P1", "the same data as uncompressed Arrow: SDK Flow vs raw parallel download of those bytes",
        "sdk-flow-plain", "raw-par-plain", "≥ 0.8 ×", { it >= 0.8 },
    )

    /** Against databricks-jdbc; against databricks-sdk-java + Arrow when the driver could not connect. */
    private fun p1Peer() = if (measures.containsKey("jdbc-read") || !measures.containsKey("sdkjava-read")) {
        ratio("P1", "same result: SDK Flow vs databricks-jdbc 3.4.5 read phase", "sdk-flow", "jdbc-read", "≥ 1.5 ×", { it >= 1.5 })
    } else {
        ratio("P1", "same result: SDK Flow vs databricks-sdk-java + Arrow read phase (databricks-jdbc could not connect)", "sdk-flow", "sdkjava-read", "≥ 1.5 ×", { it >= 1.5 })
    }

    private fun p2() = ratio("P2", "`SELECT 1` end to end (SDK execute + read value) vs one bare POST", "p2-sdk-e2e", "p2-bare", "≤ 1.1 ×", { it <= 1.1 }, "ms")

    private fun p3(): Goal {
        val budget = plan.p3BudgetBytes / MIB
        val limit = budget * 1.25 + 64
        val what = "peak memory streaming ${sizeText(plan.bigBytes)} vs ${sizeText(plan.hugeBytes)}, budget ${fmt(budget)} MiB"
        fun get(size: String, k: String) = one("p3-$size-$k")
        val keys = listOf("rss-before", "rss-peak", "heap-live", "arrow-peak", "heap-peak")
        if (keys.any { get("small", it) == null || get("large", it) == null }) {
            return Goal("P3", what, "not measured", "flat; ≤ ${fmt(limit)} MiB", null)
        }
        fun used(s: String) = get(s, "heap-live")!! + get(s, "arrow-peak")!!
        fun growth(s: String) = get(s, "rss-peak")!! - get(s, "rss-before")!!
        fun flat(small: Double, large: Double) = large <= small * 1.10 + 16
        val pass = flat(used("small"), used("large")) && flat(get("small", "rss-peak")!!, get("large", "rss-peak")!!) &&
            used("large") <= limit && growth("large") <= limit
        val measured = "live heap + Arrow ${fmt(used("small"))} → ${fmt(used("large"))} MiB; " +
            "RSS peak ${fmt(get("small", "rss-peak")!!)} → ${fmt(get("large", "rss-peak")!!)} MiB " +
            "(growth while streaming ${fmt(growth("small"))} → ${fmt(growth("large"))} MiB); " +
            "heap in use incl. garbage ${fmt(get("small", "heap-peak")!!)} → ${fmt(get("large", "heap-peak")!!)} MiB"
        return Goal("P3", what, measured, "flat (≤ +10 % +16 MiB); live heap + Arrow and RSS growth ≤ ${fmt(limit)} MiB", pass)
    }

    private fun p4(): Goal {
        val m = measures["p4-await"]?.values?.takeIf { it.isNotEmpty() }
            ?: return Goal("P4", "completion noticed by `await`", "not measured", "p95 ≤ 50 ms", null)
        val s = m.summary()
        return Goal("P4", "completion noticed by `await` after the server finished", "p95 ${fmt(s.p95)} ms (median ${fmt(s.median)}, max ${fmt(s.max)}, n=${s.n})", "p95 ≤ 50 ms", s.p95 <= 50)
    }

    private fun p5Throughput() = ratio("P5", "${plan.streams} concurrent streams: aggregate vs one stream alone", "p5-aggregate", "p5-single", "≥ 0.9 ×", { it >= 0.9 })

    private fun p5Threads(): Goal {
        val a = one("p5-threads-single")
        val b = one("p5-threads-many")
        val idle = one("p5-threads-idle")
        if (a == null || b == null) return Goal("P5", "thread count", "not measured", "constant", null)
        return Goal(
            "P5", "peak live threads: 1 stream vs ${plan.streams} streams",
            "${fmt(a)} → ${fmt(b)} (idle client: ${idle?.let { fmt(it) } ?: "?"})", "constant (≤ +2)", b <= a + 2,
        )
    }

    private fun p6() = ratio("P6", "Java `BatchIterator` vs Kotlin `Flow`", "p6-java", "p6-kotlin", "≥ 0.95 ×", { it >= 0.95 })

    private fun p7(kind: String): Goal {
        val what = if (kind == "slow") "straggler chunks vs clean run (time)" else "expired links (403 + pre-expired) vs clean run (time)"
        return ratio("P7", what, "p7-$kind", "p7-clean", "≤ 1.3 ×", { it <= 1.3 }, "s")
    }

    private fun serving(): Goal {
        val w = med("serve-warehouse")
        val c = med("serve-sendfile")
        val j = med("serve-jdk")
        val sdk = med("sdk-flow")
        if (w == null || c == null) return Goal("W", "warehouse serving vs loopback ceiling", "not measured", "recorded", null)
        val parts = listOfNotNull(
            "${x(w / c)} the sendfile ceiling (${fmt(w)} vs ${fmt(c)} MiB/s)",
            j?.let { "${x(w / it)} the JDK HttpServer (${fmt(it)})" },
            sdk?.let { "${x(w / it)} what the SDK consumes (${fmt(it)})" },
        )
        // the warehouse is not the bottleneck when it serves faster than the SDK reads
        return Goal("W", "local warehouse serving the ${sizeText(plan.bigBytes)} result through links (same client)", parts.joinToString("; "), "recorded; > SDK Flow rate", sdk?.let { w > it })
    }

    companion object {
        /** Every series the goals are computed from (a complete run has all of them). */
        val measureIds: List<String> = listOf(
            "sdk-flow", "raw-par", "sdk-flow-plain", "raw-par-plain", "jdbc-read", "p2-bare", "p2-sdk-e2e", "p4-await",
            "p5-single", "p5-aggregate", "p5-threads-idle", "p5-threads-single", "p5-threads-many",
            "sdkjava-read", "p6-java", "p6-kotlin", "p7-clean", "p7-slow", "p7-expired", "serve-warehouse", "serve-jdk", "serve-sendfile",
        ) + listOf("small", "large").flatMap { s -> listOf("rss-before", "rss-peak", "heap-live", "arrow-peak", "heap-peak").map { "p3-$s-$it" } }

        fun sizeText(bytes: Long): String = if (bytes >= 1L shl 30) "${bytes shr 30} GiB" else "${bytes shr 20} MiB"
    }
}
