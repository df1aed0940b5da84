package dev.dbsql.warehouse

import dev.dbsql.warehouse.support.TestHttp
import dev.dbsql.warehouse.support.arr
import dev.dbsql.warehouse.support.str
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.boolean
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import kotlinx.serialization.json.long
import java.time.Duration

class QueryHistorySpec : FunSpec({
    val warehouse = LocalWarehouse.start()
    val http = TestHttp(warehouse)
    afterSpec {
        http.close()
        warehouse.close()
    }
    val path = "/api/2.0/sql/history/queries"

    fun JsonObject.infos(): List<JsonObject> = arr("res").map { it.jsonObject }

    test("finished statements show with the QueryInfo fields, newest first, filtered by warehouse and time range") {
        val before = System.currentTimeMillis()
        val first = http.execute("/* marker-a */ SELECT 1").json.str("statement_id")
        val second = http.execute("SELECT * FROM no_such_table_history").json.str("statement_id")
        val reply = http.get("$path?filter_by.warehouse_ids=${warehouse.warehouseId}&filter_by.query_start_time_range.start_time_ms=$before")
        reply.status shouldBe 200
        val infos = reply.json.infos()
        infos.map { it.str("query_id") }.take(2).toSet() shouldBe setOf(first, second)
        val a = infos.single { it.str("query_id") == first }
        a.str("query_text") shouldContain "marker-a"
        a.str("status") shouldBe "FINISHED"
        a.str("statement_type") shouldBe "SELECT"
        a.str("warehouse_id") shouldBe warehouse.warehouseId
        a["is_final"]!!.jsonPrimitive.boolean shouldBe true
        (a["query_start_time_ms"]!!.jsonPrimitive.long >= before) shouldBe true
        infos.single { it.str("query_id") == second }.let {
            it.str("status") shouldBe "FAILED"
            it.str("error_message") shouldContain "no_such_table_history"
        }
        val startTimes = infos.map { it["query_start_time_ms"]!!.jsonPrimitive.long }
        startTimes shouldBe startTimes.sortedDescending()
        http.get("$path?filter_by.warehouse_ids=other").json.infos() shouldBe emptyList()
        http.get("$path?filter_by.query_start_time_range.end_time_ms=${before - 60_000}").json.infos() shouldBe emptyList()
        http.get("$path?filter_by.statuses=FAILED&filter_by.statement_ids=$first,$second").json.infos().map { it.str("query_id") } shouldBe listOf(second)
    }

    test("pages of max_results follow next_page_token until has_next_page is false") {
        val since = System.currentTimeMillis()
        val ids = (1..5).map { http.execute("SELECT $it AS paged").json.str("statement_id") }.toSet()
        val seen = mutableListOf<String>()
        var token: String? = null
        do {
            val page = http.get("$path?max_results=2&filter_by.query_start_time_range.start_time_ms=$since" + (token?.let { "&page_token=$it" } ?: "")).json
            seen += page.infos().map { it.str("query_id") }
            token = if (page["has_next_page"]!!.jsonPrimitive.boolean) page.str("next_page_token") else null
        } while (token != null)
        seen.toSet() shouldBe ids
        seen.size shouldBe 5
        http.get("$path?max_results=0").status shouldBe 400
        http.get("$path?page_token=bogus").status shouldBe 400
    }

    test("another subject sees none of these statements; a configured lag hides new ones") {
        warehouse.tokens.addStatic("other-subject-token", "someone-else")
        http.get(path, token = "other-subject-token").json.infos() shouldBe emptyList()
        LocalWarehouse.start(WarehouseConfig(historyLag = Duration.ofHours(1))).use { lagging ->
            TestHttp(lagging).use { h ->
                h.execute("SELECT 1").status shouldBe 200
                h.get(path).json.infos() shouldBe emptyList()
            }
        }
    }
})
