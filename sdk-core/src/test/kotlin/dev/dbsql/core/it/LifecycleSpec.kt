package dev.dbsql.core.it

import dev.dbsql.core.DatabricksSqlClient
import dev.dbsql.core.InvalidHandleException
import dev.dbsql.core.NotFoundException
import dev.dbsql.core.ResultExpiredException
import dev.dbsql.core.ResultFormat
import dev.dbsql.core.ResultCompression
import dev.dbsql.core.SqlException
import dev.dbsql.core.StatementCanceledException
import dev.dbsql.core.StatementHandle
import dev.dbsql.core.StatementState
import dev.dbsql.core.internal.fetchResultData
import dev.dbsql.core.internal.initialResultData
import dev.dbsql.core.internal.resultOf
import dev.dbsql.warehouse.LocalWarehouse
import dev.dbsql.warehouse.faults.Endpoint
import dev.dbsql.warehouse.faults.Fault
import dev.dbsql.warehouse.faults.Trigger
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContain
import io.kotest.matchers.longs.shouldBeGreaterThan
import io.kotest.matchers.nulls.shouldNotBeNull
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlinx.coroutines.withTimeout
import java.time.Instant
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds

class LifecycleSpec : FunSpec({
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

    test("a short query costs one round trip and carries its first data") {
        wh.admin.resetRequests()
        val r = client.execute("SELECT 1 AS one, 'a' AS s", options = json)
        wh.admin.executeCount shouldBe 1L
        wh.admin.count(Endpoint.STATUS) shouldBe 0L
        r.state shouldBe StatementState.SUCCEEDED
        r.manifest.columns.map { it.name } shouldBe listOf("one", "s")
        r.manifest.totalRowCount shouldBe 1L
        r.initialResultData.shouldNotBeNull().dataArray shouldBe listOf(listOf("1", "a"))
        r.handle.statementId shouldBe r.statementId
    }

    test("the default options ask for Arrow with LZ4, inline when small") {
        val r = client.execute("SELECT * FROM range(10)")
        r.manifest.format shouldBe ResultFormat.ARROW_STREAM
        r.manifest.compression shouldBe ResultCompression.LZ4_FRAME
        r.initialResultData.shouldNotBeNull().attachment.shouldNotBeNull()
        val rec = wh.admin.statement(r.statementId).shouldNotBeNull()
        rec.disposition shouldBe "INLINE_OR_EXTERNAL_LINKS"
    }

    test("API calls carry User-Agent and Authorization; the version comes from the build") {
        wh.admin.resetRequests()
        client.execute("SELECT 1", options = json)
        val rec = wh.admin.requests(Endpoint.EXECUTE).single()
        rec.headerNames shouldContain "user-agent"
        rec.authorizationPresent shouldBe true
        dev.dbsql.core.internal.SdkVersion.userAgent("my-app/2.0") shouldBe "dbsql-kotlin/0.1.0-SNAPSHOT my-app/2.0"
    }

    test("wait_timeout 0 makes execute poll until done") {
        wh.admin.resetRequests()
        val r = client.execute("SELECT 42", options = json.copy(waitTimeout = Duration.ZERO))
        r.initialResultData.shouldNotBeNull().dataArray shouldBe listOf(listOf("42"))
        wh.admin.count(Endpoint.STATUS) shouldBeGreaterThan 0L
    }

    test("submit returns at once; status, await and close work on the handle") {
        // Held far longer than any test waits, so "not finished yet" is certain; released by a cancel.
        val hold = wh.faults.inject(Endpoint.QUERY, Fault.Delay(600_000), Trigger.nth(1))
        try {
            val held = client.submit("SELECT 1 AS one", options = json.copy(tag = "slow"))
            held.tag shouldBe "slow"
            listOf(StatementState.PENDING, StatementState.RUNNING) shouldContain client.status(held).state
            client.cancel(held)
            wh.admin.awaitState(held.statementId, dev.dbsql.warehouse.statements.StatementState.CANCELED)
        } finally {
            wh.faults.remove(hold) // unfired when the cancel came while PENDING
        }
        val h = client.submit("SELECT 1 AS one", options = json.copy(tag = "slow"))
        val r = client.await(h)
        r.manifest.totalRowCount shouldBe 1L
        client.close(h)
        wh.admin.statement(h.statementId).shouldNotBeNull().closeArrived shouldBe true
        client.status(h).state shouldBe StatementState.CLOSED
        shouldThrow<ResultExpiredException> { client.await(h) }.statementId shouldBe h.statementId
        client.close(h) // idempotent
    }

    test("a SQL failure is a SqlException with SQLSTATE, code, message and statement id") {
        val e = shouldThrow<SqlException> { client.execute("SELECT * FROM no_such_table_here", options = json) }
        e.sqlState.shouldNotBeNull()
        e.statementId.shouldNotBeNull()
        e.errorCode.shouldNotBeNull()
        e.message shouldContain "no_such_table_here"
        e.retryable shouldBe false
        val st = client.status(StatementHandle(client.config.baseUrl, client.config.warehouseId, e.statementId!!, Instant.now()))
        st.state shouldBe StatementState.FAILED
        st.sqlState shouldBe e.sqlState
    }

    test("cancel makes await end with StatementCanceledException") {
        val h = client.submit(Fixtures.ENDLESS_SQL, options = json)
        client.cancel(h)
        val e = shouldThrow<StatementCanceledException> { withTimeout(15.seconds) { client.await(h) } }
        e.statementId shouldBe h.statementId
        wh.admin.statement(h.statementId).shouldNotBeNull().cancelArrived shouldBe true
    }

    test("a handle saved as JSON is resumed by a new client instance with the same result") {
        val h = client.submit("SELECT 7 AS seven, 'x' AS s", options = json.copy(tag = "t1"))
        val saved = h.withProgress("nextChunk", "0").toJson()
        val first = client.await(h)
        Fixtures.client(wh).use { other ->
            val resumed = other.resultOf(StatementHandle.fromJson(saved))
            resumed.statementId shouldBe h.statementId
            resumed.manifest shouldBe first.manifest
            resumed.initialResultData!!.dataArray shouldBe first.initialResultData!!.dataArray
            resumed.handle.progress shouldBe mapOf("nextChunk" to "0")
        }
    }

    test("a handle for another warehouse or host is refused clearly") {
        val h = client.submit("SELECT 1", options = json)
        shouldThrow<InvalidHandleException> { client.status(h.copy(warehouseId = "other")) }.message shouldContain "warehouse other"
        shouldThrow<InvalidHandleException> { client.await(h.copy(host = "https://elsewhere.example.com")) }
    }

    test("an unknown statement id is a NotFoundException") {
        val h = StatementHandle(client.config.baseUrl, client.config.warehouseId, "00000000-0000-0000-0000-000000000000", Instant.now())
        val e = shouldThrow<NotFoundException> { client.status(h) }
        e.httpStatus shouldBe 404
        e.statementId shouldBe h.statementId
    }

    test("fetchResultData reads further inline chunks and maps an out-of-range chunk to NotFound") {
        val r = client.execute("SELECT 1", options = json)
        client.fetchResultData(r.statementId, 0).dataArray shouldBe listOf(listOf("1"))
        shouldThrow<NotFoundException> { client.fetchResultData(r.statementId, 5) }
        client.close(r.handle)
        shouldThrow<ResultExpiredException> { client.fetchResultData(r.statementId, 0) }
    }
})
