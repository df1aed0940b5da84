package dev.dbsql.warehouse

import dev.dbsql.warehouse.faults.Endpoint
import dev.dbsql.warehouse.faults.Fault
import dev.dbsql.warehouse.faults.Trigger
import dev.dbsql.warehouse.statements.StatementState
import dev.dbsql.warehouse.support.TestHttp
import dev.dbsql.warehouse.support.arr
import dev.dbsql.warehouse.support.cells
import dev.dbsql.warehouse.support.obj
import dev.dbsql.warehouse.support.state
import dev.dbsql.warehouse.support.str
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeIn
import io.kotest.matchers.longs.shouldBeGreaterThanOrEqual
import io.kotest.matchers.nulls.shouldNotBeNull
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.ktor.client.request.header
import io.ktor.http.HttpMethod

/** A query that keeps DuckDB busy for far longer than any test waits (tests cancel it). */
const val ENDLESS_SQL = "SELECT sum(id) FROM range(1000000000000) t1"


class StatementLifecycleSpec : FunSpec({
    val warehouse = LocalWarehouse.start()
    val http = TestHttp(warehouse)
    afterSpec {
        http.close()
        warehouse.close()
    }

    test("a quick statement succeeds within the default wait, with manifest and inline data") {
        val reply = http.execute("SELECT 1 AS one, 'a' AS letter")
        reply.status shouldBe 200
        val json = reply.json
        json.state() shouldBe "SUCCEEDED"
        json.obj("manifest").str("format") shouldBe "JSON_ARRAY"
        json.obj("result").arr("data_array").cells() shouldBe listOf(listOf("1", "a"))
    }

    test("wait_timeout 0s answers PENDING or RUNNING without waiting for the query; polling reaches SUCCEEDED") {
        // The query is held far longer than any answer takes: a reply that waited for it could not say RUNNING.
        val hold = warehouse.faults.inject(Endpoint.QUERY, Fault.Delay(600_000), Trigger.nth(1))
        try {
            val held = http.execute("SELECT 41", "\"wait_timeout\": \"0s\"").json
            held.state() shouldBeIn listOf("PENDING", "RUNNING")
            held["manifest"] shouldBe null
            http.post("/api/2.0/sql/statements/${held.str("statement_id")}/cancel").status shouldBe 200
            http.awaitTerminal(held.str("statement_id")).state() shouldBe "CANCELED"
        } finally {
            // a cancel that came while PENDING leaves the rule unfired: it must not hold later statements
            warehouse.faults.remove(hold)
        }

        val json = http.execute("SELECT 42", "\"wait_timeout\": \"0s\"").json
        json.state() shouldBeIn listOf("PENDING", "RUNNING", "SUCCEEDED")
        val done = http.awaitTerminal(json.str("statement_id"))
        done.state() shouldBe "SUCCEEDED"
        done.obj("result").arr("data_array").cells() shouldBe listOf(listOf("42"))
    }

    test("5s wait on a slower query returns RUNNING, then the statement succeeds; CONTINUE keeps it running") {
        val hold = warehouse.faults.inject(Endpoint.QUERY, Fault.Delay(7_000), Trigger.nth(1))
        val started = System.nanoTime()
        val reply = http.execute("SELECT 7 AS seven", "\"wait_timeout\": \"5s\", \"on_wait_timeout\": \"CONTINUE\"")
        val json = reply.json
        (System.nanoTime() - started) / 1_000_000 shouldBeGreaterThanOrEqual 4_900
        json.state() shouldBe "RUNNING"
        json.keys shouldBe setOf("statement_id", "status")
        val done = http.awaitTerminal(json.str("statement_id"), 120_000)
        done.state() shouldBe "SUCCEEDED"
        done.obj("result").arr("data_array").cells() shouldBe listOf(listOf("7"))
        hold.fired shouldBe 1
    }

    test("on_wait_timeout CANCEL answers CANCELED and really stops the DuckDB query") {
        val reply = http.execute(ENDLESS_SQL, "\"wait_timeout\": \"5s\", \"on_wait_timeout\": \"CANCEL\"")
        val json = reply.json
        json.state() shouldBe "CANCELED"
        // The engine returned from a query that never ends on its own: the cancel reached DuckDB.
        val record = warehouse.admin.awaitStatement(json.str("statement_id")) { it.engineStoppedAt != null }
        val cancelAt = record.cancelRequestedAt.shouldNotBeNull()
        record.engineStoppedAt!!.isBefore(cancelAt) shouldBe false
    }

    test("cancel of a running statement: CANCELED, engine interrupted, cancel recorded") {
        val id = http.execute(ENDLESS_SQL, "\"wait_timeout\": \"0s\"").json.str("statement_id")
        warehouse.admin.awaitState(id, StatementState.RUNNING)
        val cancel = http.call(HttpMethod.Post, "/api/2.0/sql/statements/$id/cancel", """{"statement_id":"$id"}""")
        cancel.status shouldBe 200
        cancel.text shouldBe "{}"
        warehouse.admin.awaitCancel(id).cancelArrived shouldBe true
        http.awaitTerminal(id, 10_000).state() shouldBe "CANCELED"
        val record = warehouse.admin.awaitStatement(id) { it.engineStoppedAt != null }
        record.engineStoppedAt!!.isBefore(record.cancelRequestedAt!!) shouldBe false
    }

    test("cancel of a finished statement is harmless") {
        val id = http.execute("SELECT 1").json.str("statement_id")
        http.post("/api/2.0/sql/statements/$id/cancel").status shouldBe 200
        http.get("/api/2.0/sql/statements/$id").json.state() shouldBe "SUCCEEDED"
    }

    test("close: DELETE answers {} and the statement is CLOSED; chunks are gone") {
        val id = http.execute("SELECT 1").json.str("statement_id")
        val closed = http.call(HttpMethod.Delete, "/api/2.0/sql/statements/$id", """{"statement_id":"$id"}""")
        closed.status shouldBe 200
        closed.text shouldBe "{}"
        val after = http.get("/api/2.0/sql/statements/$id").json
        after.state() shouldBe "CLOSED"
        after["manifest"] shouldBe null
        http.get("/api/2.0/sql/statements/$id/result/chunks/0").status shouldBe 404
        warehouse.admin.statement(id)!!.closeArrived shouldBe true
        http.delete("/api/2.0/sql/statements/$id").status shouldBe 200
    }

    test("closing a running statement interrupts it and ends CLOSED") {
        val id = http.execute(ENDLESS_SQL, "\"wait_timeout\": \"0s\"").json.str("statement_id")
        warehouse.admin.awaitState(id, StatementState.RUNNING)
        http.delete("/api/2.0/sql/statements/$id").status shouldBe 200
        warehouse.admin.awaitState(id, StatementState.CLOSED).engineStoppedAt.shouldNotBeNull()
    }

    test("bare status endpoint, trailing slashes, query strings, JSON bodies on GET and a stray gzip header") {
        val id = http.post("/api/2.0/sql/statements/", """{"statement":"SELECT 7","warehouse_id":"${warehouse.warehouseId}","extra_field":1}""")
            .json.str("statement_id")
        val status = http.get("/api/2.0/sql/statements/$id/status/").json
        status.state() shouldBe "SUCCEEDED"
        status["manifest"] shouldBe null
        val withBody = http.call(HttpMethod.Get, "/api/2.0/sql/statements/$id?x=1", """{"statement_id":"$id"}""")
        withBody.json.obj("result").arr("data_array").cells() shouldBe listOf(listOf("7"))
        val gz = http.call(HttpMethod.Get, "/api/2.0/sql/statements/$id/result/chunks/0?row_offset=0") {
            header("Content-Encoding", "gzip")
        }
        gz.status shouldBe 200
        gz.json.arr("data_array").cells() shouldBe listOf(listOf("7"))
    }

    test("unknown statement ids answer 404 RESOURCE_DOES_NOT_EXIST everywhere") {
        val unknown = "01ef0000-0000-0000-0000-000000000000"
        for (reply in listOf(
            http.get("/api/2.0/sql/statements/$unknown"),
            http.get("/api/2.0/sql/statements/$unknown/result/chunks/0"),
            http.post("/api/2.0/sql/statements/$unknown/cancel"),
            http.delete("/api/2.0/sql/statements/$unknown"),
        )) {
            reply.status shouldBe 404
            reply.json.str("error_code") shouldBe "RESOURCE_DOES_NOT_EXIST"
            reply.json.str("message") shouldContain unknown
        }
    }

    test("SQL errors answer HTTP 200 with FAILED, BAD_REQUEST and sql_state") {
        val json = http.execute("SELECT * FROM no_such_table_here").json
        json.state() shouldBe "FAILED"
        val status = json.obj("status")
        status.obj("error").str("error_code") shouldBe "BAD_REQUEST"
        status.str("sql_state").length shouldBe 5
        json["manifest"] shouldBe null
        warehouse.admin.count(Endpoint.EXECUTE) shouldBe warehouse.admin.executeCount
    }
})
