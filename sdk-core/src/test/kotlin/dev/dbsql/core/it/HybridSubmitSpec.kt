package dev.dbsql.core.it

import dev.dbsql.core.ConfigurationException
import dev.dbsql.core.DatabricksSqlClient
import dev.dbsql.core.SqlException
import dev.dbsql.core.StatementState
import dev.dbsql.core.Submission
import dev.dbsql.core.internal.initialResultData
import dev.dbsql.warehouse.LocalWarehouse
import dev.dbsql.warehouse.faults.Endpoint
import dev.dbsql.warehouse.faults.Fault
import dev.dbsql.warehouse.faults.Trigger
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContain
import io.kotest.matchers.nulls.shouldNotBeNull
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeInstanceOf
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds

class HybridSubmitSpec : FunSpec({
    lateinit var wh: LocalWarehouse
    lateinit var client: DatabricksSqlClient
    val json = Fixtures.INLINE_JSON

    beforeSpec {
        wh = Fixtures.startWarehouse()
        client = Fixtures.client(wh)
    }
    afterSpec {
        client.close()
        wh.close()
    }

    test("a statement that finishes within the wait comes back Finished, in one round trip") {
        wh.admin.resetRequests()
        val s = client.submit("SELECT 5 AS five", waitTimeout = 10.seconds, options = json)
        val finished = s.shouldBeInstanceOf<Submission.Finished>()
        s.isFinished shouldBe true
        finished.result.state shouldBe StatementState.SUCCEEDED
        finished.result.initialResultData.shouldNotBeNull().dataArray shouldBe listOf(listOf("5"))
        s.handle.statementId shouldBe finished.result.statementId
        wh.admin.executeCount shouldBe 1L
        wh.admin.count(Endpoint.STATUS) shouldBe 0L
    }

    test("a statement still running when the wait ends comes back Running with a handle that await finishes") {
        // held until cancelled: "still running after the wait" is certain
        val hold = wh.faults.inject(Endpoint.QUERY, Fault.Delay(600_000), Trigger.nth(1))
        try {
            val s = client.submit("SELECT 6 AS six", waitTimeout = 5.seconds, options = json.copy(tag = "hybrid"))
            val running = s.shouldBeInstanceOf<Submission.Running>()
            s.isFinished shouldBe false
            listOf(StatementState.PENDING, StatementState.RUNNING) shouldContain running.state
            running.handle.tag shouldBe "hybrid"
            val record = wh.admin.statement(running.handle.statementId).shouldNotBeNull()
            record.state.terminal shouldBe false
            client.cancel(running.handle)
            wh.admin.awaitState(running.handle.statementId, dev.dbsql.warehouse.statements.StatementState.CANCELED)
        } finally {
            wh.faults.remove(hold)
        }
        // a zero wait always answers Running; await then finishes it
        val quick = client.submit("SELECT 7 AS seven", waitTimeout = Duration.ZERO, options = json)
        quick.shouldBeInstanceOf<Submission.Running>()
        client.await(quick.handle).initialResultData.shouldNotBeNull().dataArray shouldBe listOf(listOf("7"))
    }

    test("a statement that fails within the wait throws like execute; a bad wait is a ConfigurationException") {
        shouldThrow<SqlException> { client.submit("SELECT * FROM no_such_table_hybrid", waitTimeout = 5.seconds, options = json) }
        shouldThrow<ConfigurationException> { client.submit("SELECT 1", waitTimeout = 3.seconds) }.field shouldBe "waitTimeout"
    }

    test("a session's hybrid submit runs in the session") {
        val session = client.openSession()
        try {
            val s = session.submit("SELECT 8 AS eight", waitTimeout = 10.seconds, options = json)
            s.shouldBeInstanceOf<Submission.Finished>().result.initialResultData.shouldNotBeNull().dataArray shouldBe listOf(listOf("8"))
            wh.admin.statement(s.handle.statementId).shouldNotBeNull().sessionId shouldBe session.sessionId
        } finally {
            session.close()
        }
    }
})
