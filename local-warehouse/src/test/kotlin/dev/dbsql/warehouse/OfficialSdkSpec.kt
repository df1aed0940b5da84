package dev.dbsql.warehouse

import com.databricks.sdk.WorkspaceClient
import com.databricks.sdk.core.DatabricksConfig
import com.databricks.sdk.core.PatCredentialsProvider
import com.databricks.sdk.service.sql.CancelExecutionRequest
import com.databricks.sdk.service.sql.Disposition
import com.databricks.sdk.service.sql.ExecuteStatementRequest
import com.databricks.sdk.service.sql.ExecuteStatementRequestOnWaitTimeout
import com.databricks.sdk.service.sql.Format
import com.databricks.sdk.service.sql.ServiceErrorCode
import com.databricks.sdk.service.sql.StatementParameterListItem
import com.databricks.sdk.service.sql.StatementResponse
import com.databricks.sdk.service.sql.StatementState
import dev.dbsql.warehouse.support.readArrowLongs
import dev.dbsql.warehouse.support.testClient
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeIn
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.ktor.client.request.get
import io.ktor.client.statement.bodyAsBytes
import java.time.Instant

/** The official Databricks SDK for Java (StatementExecutionAPI) against the local warehouse. */
class OfficialSdkSpec : FunSpec({
    val warehouse = LocalWarehouse.start(WarehouseConfig(chunkRows = 1000))
    val paged = LocalWarehouse.start(WarehouseConfig(inlinePageRows = 100))
    val plainHttp = testClient()
    afterSpec {
        plainHttp.close()
        paged.close()
        warehouse.close()
    }

    fun sdk(w: LocalWarehouse) = WorkspaceClient(
        DatabricksConfig().setHost(w.baseUrl).setToken(w.token).setCredentialsProvider(PatCredentialsProvider()),
    ).statementExecution()

    val api = sdk(warehouse)

    fun request(sql: String, w: LocalWarehouse = warehouse) = ExecuteStatementRequest().setStatement(sql).setWarehouseId(w.warehouseId)

    fun poll(id: String, w: LocalWarehouse = warehouse): StatementResponse {
        val a = sdk(w)
        while (true) {
            val r = a.getStatement(id)
            if (r.status.state != StatementState.PENDING && r.status.state != StatementState.RUNNING) return r
            Thread.sleep(50)
        }
    }

    test("synchronous execute with inline JSON_ARRAY") {
        val r = api.executeStatement(request("SELECT id, CAST(id * 2 AS STRING) AS twice FROM range(10) t").setWaitTimeout("30s"))
        r.status.state shouldBe StatementState.SUCCEEDED
        r.manifest.schema.columnCount shouldBe 2L
        r.manifest.schema.columns.map { it.name } shouldBe listOf("id", "twice")
        r.manifest.totalRowCount shouldBe 10L
        r.result.dataArray.map { it.toList() } shouldBe (0 until 10).map { listOf("$it", "${it * 2}") }
    }

    test("asynchronous execute (wait 0s), then getStatement until SUCCEEDED") {
        val r = api.executeStatement(request("SELECT 'async' AS a").setWaitTimeout("0s"))
        r.status.state shouldBeIn listOf(StatementState.PENDING, StatementState.RUNNING, StatementState.SUCCEEDED)
        val done = poll(r.statementId)
        done.status.state shouldBe StatementState.SUCCEEDED
        done.result.dataArray.single().single() shouldBe "async"
    }

    test("paged inline JSON_ARRAY chunks through getStatementResultChunkN") {
        val pagedApi = sdk(paged)
        val r = pagedApi.executeStatement(request("SELECT * FROM range(250)", paged))
        r.manifest.totalChunkCount shouldBe 3L
        val rows = r.result.dataArray.map { it.single() }.toMutableList()
        var next = r.result.nextChunkIndex
        while (next != null) {
            val chunk = pagedApi.getStatementResultChunkN(r.statementId, next)
            chunk.chunkIndex shouldBe next
            rows += chunk.dataArray.map { it.single() }
            next = chunk.nextChunkIndex
        }
        rows shouldBe (0 until 250).map { "$it" }
    }

    test("EXTERNAL_LINKS + ARROW_STREAM: links from the response and the chunk API, downloaded without auth") {
        val r = api.executeStatement(
            request("SELECT * FROM range(3500)").setDisposition(Disposition.EXTERNAL_LINKS).setFormat(Format.ARROW_STREAM),
        )
        r.status.state shouldBe StatementState.SUCCEEDED
        r.manifest.format shouldBe Format.ARROW_STREAM
        r.manifest.chunks.size shouldBe 4
        val links = r.result.externalLinks.toMutableList()
        while (links.size < r.manifest.totalChunkCount) {
            links += api.getStatementResultChunkN(r.statementId, links.size.toLong()).externalLinks
        }
        links.map { it.chunkIndex } shouldBe listOf(0L, 1L, 2L, 3L)
        links.forEach { Instant.parse(it.expiration).isAfter(Instant.now()) shouldBe true }
        val values = links.flatMap { readArrowLongs(plainHttp.get(it.externalLink).bodyAsBytes()) }
        values shouldBe (0L until 3500L).toList()
    }

    test("named parameters") {
        val r = api.executeStatement(
            request("SELECT :n * 2 AS doubled, :s AS s").setParameters(
                listOf(
                    StatementParameterListItem().setName("n").setValue("21").setType("INT"),
                    StatementParameterListItem().setName("s").setValue("x"),
                ),
            ),
        )
        r.result.dataArray.single().toList() shouldBe listOf("42", "x")
    }

    test("cancel a running statement") {
        val r = api.executeStatement(request(ENDLESS_SQL).setWaitTimeout("0s"))
        warehouse.admin.awaitState(r.statementId, dev.dbsql.warehouse.statements.StatementState.RUNNING)
        api.cancelExecution(CancelExecutionRequest().setStatementId(r.statementId))
        poll(r.statementId).status.state shouldBe StatementState.CANCELED
    }

    test("on_wait_timeout CANCEL through the SDK") {
        val r = api.executeStatement(
            request(ENDLESS_SQL).setWaitTimeout("5s").setOnWaitTimeout(ExecuteStatementRequestOnWaitTimeout.CANCEL),
        )
        r.status.state shouldBe StatementState.CANCELED
    }

    test("a SQL error reads as FAILED with BAD_REQUEST") {
        val r = api.executeStatement(request("SELECT * FROM missing_table_for_sdk"))
        r.status.state shouldBe StatementState.FAILED
        r.status.error.errorCode shouldBe ServiceErrorCode.BAD_REQUEST
        r.status.error.message shouldContain "missing_table_for_sdk"
    }

    test("an unknown statement id surfaces as the SDK's not-found error") {
        val e = runCatching { api.getStatement("01ef0000-0000-0000-0000-00000000dead") }.exceptionOrNull()
        (e is com.databricks.sdk.core.error.platform.NotFound) shouldBe true
    }
})
