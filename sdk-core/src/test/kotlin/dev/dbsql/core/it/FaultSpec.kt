package dev.dbsql.core.it

import dev.dbsql.core.ConnectionException
import dev.dbsql.core.DatabricksSqlClient
import dev.dbsql.core.RateLimitedException
import dev.dbsql.core.RetryPolicy
import dev.dbsql.core.ServiceUnavailableException
import dev.dbsql.core.TransientDatabricksSqlException
import dev.dbsql.core.internal.fetchResultData
import dev.dbsql.warehouse.LocalWarehouse
import dev.dbsql.warehouse.faults.Endpoint
import dev.dbsql.warehouse.faults.Fault
import dev.dbsql.warehouse.faults.Trigger
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.longs.shouldBeGreaterThanOrEqual
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.types.shouldBeInstanceOf
import kotlinx.coroutines.delay
import java.util.UUID
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

class FaultSpec : FunSpec({
    lateinit var wh: LocalWarehouse
    lateinit var client: DatabricksSqlClient
    val json = Fixtures.INLINE_JSON

    /** A statement text unique to one test, to count how often the server ran it. */
    fun uniqueSql() = "SELECT '${UUID.randomUUID()}' AS marker"

    beforeSpec {
        wh = Fixtures.startWarehouse()
        client = Fixtures.client(wh)
    }
    afterSpec {
        client.close()
        wh.close()
    }
    afterTest { wh.faults.clear() }

    test("429 with Retry-After on execute is honoured: the retry comes after the asked wait") {
        wh.admin.resetRequests()
        wh.faults.inject(Endpoint.EXECUTE, Fault.Status(429, retryAfterSeconds = 1), Trigger.nth(1))
        val sql = uniqueSql()
        client.execute(sql, options = json)
        val executes = wh.admin.requests(Endpoint.EXECUTE)
        executes.size shouldBe 2
        executes[0].status shouldBe 429
        val gapMs = java.time.Duration.between(executes[0].time, executes[1].time).toMillis()
        gapMs shouldBeGreaterThanOrEqual 950L
        wh.admin.statementsWithText(sql).size shouldBe 1
    }

    test("503 on execute (refused before acting) is retried") {
        wh.admin.resetRequests()
        wh.faults.inject(Endpoint.EXECUTE, Fault.Status(503, retryAfterSeconds = 0), Trigger.from(1, times = 2))
        val sql = uniqueSql()
        client.execute(sql, options = json)
        wh.admin.executeCount shouldBe 3L
        wh.admin.statementsWithText(sql).size shouldBe 1
    }

    test("a connection reset after the execute was sent is not retried: the statement runs once") {
        wh.admin.resetRequests()
        wh.faults.inject(Endpoint.EXECUTE, Fault.ResetMidBody(), Trigger.nth(1))
        val sql = uniqueSql()
        val e = shouldThrow<ConnectionException> { client.execute(sql, options = json) }
        e.retryable shouldBe false
        e.message shouldContain "not retried"
        wh.admin.executeCount shouldBe 1L
        wh.admin.statementsWithText(sql).size shouldBe 1
    }

    test("a truncated execute response is not retried either") {
        wh.admin.resetRequests()
        wh.faults.inject(Endpoint.EXECUTE, Fault.TruncatedBody(), Trigger.nth(1))
        val sql = uniqueSql()
        shouldThrow<ConnectionException> { client.execute(sql, options = json) }.retryable shouldBe false
        wh.admin.executeCount shouldBe 1L
        wh.admin.statementsWithText(sql).size shouldBe 1
    }

    test("a read timeout on execute is not retried: the statement runs at most once") {
        Fixtures.client(wh) { timeouts { request = 1.seconds; socket = 1.seconds } }.use { impatient ->
            wh.admin.resetRequests()
            wh.faults.inject(Endpoint.EXECUTE, Fault.Delay(2_500), Trigger.nth(1))
            val sql = uniqueSql()
            val e = shouldThrow<ConnectionException> { impatient.execute(sql, options = json.copy(waitTimeout = Duration.ZERO)) }
            e.retryable shouldBe false
            e.message shouldContain "timed out"
            // Every request the client made was counted on arrival before it gave up: no retry went out.
            wh.admin.executeCount shouldBe 1L
            (wh.admin.statementsWithText(sql).size <= 1) shouldBe true
        }
    }

    test("502 on execute is not retried (a gateway may have forwarded it)") {
        wh.admin.resetRequests()
        wh.faults.inject(Endpoint.EXECUTE, Fault.Status(502), Trigger.nth(1))
        val e = shouldThrow<ServiceUnavailableException> { client.execute(uniqueSql(), options = json) }
        e.httpStatus shouldBe 502
        e.retryable shouldBe false
        wh.admin.executeCount shouldBe 1L
    }

    test("idempotent calls retry resets, truncation and 5xx") {
        wh.admin.resetRequests()
        val h = client.submit(uniqueSql(), options = json)
        wh.faults.inject(Endpoint.STATUS, Fault.ResetMidBody(), Trigger.nth(1))
        wh.faults.inject(Endpoint.STATUS, Fault.TruncatedBody(), Trigger.nth(2))
        wh.faults.inject(Endpoint.STATUS, Fault.Status(504), Trigger.nth(3))
        client.await(h).manifest.totalRowCount shouldBe 1L
        wh.admin.count(Endpoint.STATUS) shouldBeGreaterThanOrEqual 4L
        wh.faults.inject(Endpoint.CHUNK, Fault.Status(503, retryAfterSeconds = 0), Trigger.nth(1))
        client.fetchResultData(h.statementId, 0).rowCount shouldBe 1L
    }

    test("a retry budget that runs out ends in a clear transient error") {
        val h = client.submit(uniqueSql(), options = json)
        wh.admin.resetRequests()
        wh.faults.inject(Endpoint.STATUS, Fault.Status(503, retryAfterSeconds = 0), Trigger.always())
        val e = shouldThrow<ServiceUnavailableException> { client.await(h) }
        e.shouldBeInstanceOf<TransientDatabricksSqlException>()
        e.attempts shouldBe Fixtures.fastRetry.maxAttempts
        e.message shouldContain "gave up after ${Fixtures.fastRetry.maxAttempts} attempts"
        e.httpStatus shouldBe 503
        wh.admin.count(Endpoint.STATUS) shouldBe Fixtures.fastRetry.maxAttempts.toLong()
    }

    test("a Retry-After beyond the total budget fails at once with the server's wait") {
        Fixtures.client(wh) { retry = RetryPolicy(maxAttempts = 5, maxTotalTime = 2.seconds) }.use { c ->
            wh.admin.resetRequests()
            wh.faults.inject(Endpoint.EXECUTE, Fault.Status(429, retryAfterSeconds = 30), Trigger.always())
            val e = shouldThrow<RateLimitedException> { c.execute(uniqueSql(), options = json) }
            e.retryAfter shouldBe 30.seconds
            e.message shouldContain "maxTotalTime"
            wh.admin.executeCount shouldBe 1L
        }
    }

    test("connection refused before sending is retried, also for execute, and then reported") {
        val port = java.net.ServerSocket(0).use { it.localPort }
        val cfg = Fixtures.config(wh).copy(host = "http://127.0.0.1:$port")
        DatabricksSqlClient(cfg).use { dead ->
            val e = shouldThrow<ConnectionException> { dead.execute("SELECT 1", options = json) }
            e.attempts shouldBe Fixtures.fastRetry.maxAttempts
            e.message shouldContain "cannot connect"
        }
    }
})
