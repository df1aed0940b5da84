package dev.dbsql.bench

import dev.dbsql.core.DatabricksSqlClient
import dev.dbsql.flow.batches
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import java.time.Duration
import java.time.Instant

/** P2 (`SELECT 1` against one bare POST) and P4 (how late `await` notices a finished statement). */
class LatencyBench(
    private val plan: Plan,
    private val wh: WarehouseProcess,
    private val client: DatabricksSqlClient,
    private val raw: RawHttp,
) {
    private val ep = wh.endpoint

    /** P2: ms per round trip of a bare JDK POST + JSON parse, the SDK's `execute`, and `execute` + reading the value. */
    fun selectOne(profile: (String, () -> Unit) -> Unit): List<Measure> {
        // the very request body the SDK sends for its defaults
        val body = """{"statement":"SELECT 1","warehouse_id":"${ep.warehouseId}","disposition":"INLINE_OR_EXTERNAL_LINKS",""" +
            """"format":"ARROW_STREAM","wait_timeout":"10s","on_wait_timeout":"CONTINUE","result_compression":"LZ4_FRAME"}"""
        val url = "${ep.baseUrl}/api/2.0/sql/statements"
        val bare = {
            val state = Json.parseToJsonElement(raw.post(url, ep.token, body)).jsonObject["status"]!!.jsonObject["state"]!!.jsonPrimitive.content
            check(state == "SUCCEEDED") { "bare SELECT 1 ended $state" }
        }
        val sdkExecute = { runBlocking { client.execute("SELECT 1") }; Unit }
        val sdkValue = {
            val v = runBlocking {
                var value: Any? = null
                client.execute("SELECT 1").batches().collect { b -> b.use { value = it.vector(0).getObject(0) } }
                value
            }
            check(v.toString() == "1") { "SELECT 1 returned $v" }
        }
        val variants = listOf(
            Triple("p2-bare", "one bare HTTP POST (JDK HttpClient) + JSON parse", bare),
            Triple("p2-sdk-execute", "SDK `execute(\"SELECT 1\")`", sdkExecute),
            Triple("p2-sdk-e2e", "SDK `execute` + `batches()` reading the value", sdkValue),
        )
        repeat(plan.p2Warmup) { variants.forEach { it.third() } }
        val ms = variants.associate { it.first to ArrayList<Double>() }
        // interleaved op by op: any drift in the server hits every variant alike
        repeat(plan.p2Ops) {
            for ((id, _, op) in variants) {
                val t0 = System.nanoTime()
                op()
                ms[id]!! += (System.nanoTime() - t0) / 1e6
            }
        }
        val profiled = maxOf(10, plan.p2Ops / 2)
        profile("$profiled × SDK `execute(\"SELECT 1\")` + reading the value") { repeat(profiled) { sdkValue() } }
        return variants.map { (id, label, _) -> Measure(id, label, "ms", ms[id]!!) }
            .onEach { Log.info("  P2 ${it.id}: median ${fmt(it.median)} ms") }
    }

    /**
     * P4: statements of different lengths are submitted (`wait_timeout = 0`) and awaited; the delay
     * is the time `await` returned minus the server's own `finished_at`. The same with `execute`
     * (server-side wait) for contrast.
     */
    fun completionNotice(): List<Measure> {
        val rate = calibrate()
        val targets = List(plan.p4Samples) { i ->
            val lo = 50L
            lo + (plan.p4MaxMillis - lo) * i / maxOf(1, plan.p4Samples - 1)
        }.shuffled(java.util.Random(7))
        val awaited = ArrayList<Pair<String, Instant>>()
        val executed = ArrayList<Pair<String, Instant>>()
        for (t in targets) {
            val sql = slowSql((rate * t / 1000.0).toLong().coerceAtLeast(1_000_000))
            runBlocking {
                val h = client.submit(sql)
                client.await(h)
                awaited += h.statementId to Instant.now()
                client.close(h)
            }
        }
        for (t in targets.take(maxOf(1, targets.size / 2))) {
            val sql = slowSql((rate * t / 1000.0).toLong().coerceAtLeast(1_000_000))
            runBlocking {
                val r = client.execute(sql)
                executed += r.statementId to Instant.now()
                client.close(r.handle)
            }
        }
        val times = wh.statementTimes()
        fun delays(list: List<Pair<String, Instant>>) = list.map { (id, noticed) ->
            val finished = times[id]?.second ?: error("server has no finished_at for $id")
            Duration.between(finished, noticed).toNanos() / 1e6
        }
        val durations = awaited.map { (id, _) -> times[id]!!.let { (s, f) -> Duration.between(s, f).toMillis().toDouble() } }
        Log.info("  P4 statement durations on the server: ${fmt(durations.min())}..${fmt(durations.max())} ms")
        return listOf(
            Measure(
                "p4-await", "`submit` + `await`: await's return minus the server's finished_at", "ms", delays(awaited),
                note = "statements ran ${fmt(durations.min())}–${fmt(durations.max())} ms on the server",
            ),
            Measure("p4-execute", "`execute` (server-side wait_timeout 10 s): return minus finished_at", "ms", delays(executed)),
        ).onEach { Log.info("  P4 ${it.id}: median ${fmt(it.median)} ms, p95 ${fmt(it.summary.p95)} ms") }
    }

    /** Rows per second the server counts through in [slowSql] (from its own start / finish times). */
    private fun calibrate(): Double {
        val n = if (plan.quick) 20_000_000L else 200_000_000L
        var best = 0.0
        repeat(2) {
            val id = runBlocking { client.execute(slowSql(n)).also { client.close(it.handle) }.statementId }
            val (s, f) = wh.statementTimes()[id]!!
            val ms = Duration.between(s, f).toNanos() / 1e6
            best = maxOf(best, n / (ms / 1000.0))
        }
        Log.info("  P4 calibration: ${fmt(best / 1e6)} M rows/s")
        return best
    }

    private fun slowSql(n: Long) = "SELECT count(*) FROM range($n) t(x) WHERE x % 7 = 3"
}
