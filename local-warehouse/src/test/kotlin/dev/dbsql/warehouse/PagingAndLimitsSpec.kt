package dev.dbsql.warehouse

import dev.dbsql.warehouse.support.TestHttp
import dev.dbsql.warehouse.support.arr
import dev.dbsql.warehouse.support.cells
import dev.dbsql.warehouse.support.int
import dev.dbsql.warehouse.support.obj
import dev.dbsql.warehouse.support.state
import dev.dbsql.warehouse.support.str
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlinx.serialization.json.jsonPrimitive

class PagingAndLimitsSpec : FunSpec({
    val warehouse = LocalWarehouse.start(WarehouseConfig(inlinePageRows = 100, inlineMaxBytes = 50_000))
    val http = TestHttp(warehouse)
    afterSpec {
        http.close()
        warehouse.close()
    }

    test("a configured inline page size pages JSON_ARRAY through next_chunk_index / next_chunk_internal_link") {
        val json = http.execute("SELECT * FROM range(250)").json
        json.obj("manifest").int("total_chunk_count") shouldBe 3
        var result = json.obj("result")
        val rows = ArrayList<List<String?>>()
        val indexes = ArrayList<Int>()
        while (true) {
            indexes += result.int("chunk_index")
            rows += result.arr("data_array").cells()
            val link = result["next_chunk_internal_link"]?.jsonPrimitive?.content ?: break
            result.int("next_chunk_index") shouldBe indexes.last() + 1
            result = http.get(link).json
        }
        indexes shouldBe listOf(0, 1, 2)
        rows.map { it.single() } shouldBe (0 until 250).map { it.toString() }
    }

    test("an INLINE result above the inline cap makes the statement FAILED") {
        val json = http.execute("SELECT * FROM range(20000)").json
        json.state() shouldBe "FAILED"
        json.obj("status").obj("error").str("message") shouldContain "EXTERNAL_LINKS"
        json.obj("status").str("sql_state") shouldBe "54000"
        http.execute("SELECT * FROM range(20000)", "\"disposition\":\"EXTERNAL_LINKS\"").json.state() shouldBe "SUCCEEDED"
    }

    test("chunk index outside the result is 404, a non-numeric one 400") {
        val id = http.execute("SELECT 1").json.str("statement_id")
        http.get("/api/2.0/sql/statements/$id/result/chunks/5").status shouldBe 404
        http.get("/api/2.0/sql/statements/$id/result/chunks/x").status shouldBe 400
    }
})
