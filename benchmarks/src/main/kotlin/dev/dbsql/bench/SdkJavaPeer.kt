@file:JvmName("SdkJavaPeer")

package dev.dbsql.bench

import com.databricks.sdk.WorkspaceClient
import com.databricks.sdk.core.DatabricksConfig
import com.databricks.sdk.core.PatCredentialsProvider
import com.databricks.sdk.service.sql.Disposition
import com.databricks.sdk.service.sql.ExecuteStatementRequest
import com.databricks.sdk.service.sql.Format
import com.databricks.sdk.service.sql.StatementResponse
import com.databricks.sdk.service.sql.StatementState
import org.apache.arrow.memory.RootAllocator

/**
 * The second official peer, run in its own JVM: databricks-sdk-java's statement API (execute with
 * EXTERNAL_LINKS + ARROW_STREAM, later links through `getStatementResultChunkN`), every link
 * downloaded with the JDK HttpClient and decoded with Arrow on one thread, chunk after chunk: what
 * a Java user writes with the official SDK, which has no result reader of its own. The SDK cannot
 * ask for LZ4, so the Arrow comes uncompressed. Reports MiB/s of Arrow data for the read phase
 * (links + download + decode) and for execute + read.
 *
 * Args: baseUrl token warehouseId sql warmSql arrowBytes warmups runs
 */
fun main(args: Array<String>) {
    val ep = Endpoint.fromArgs(args)
    val sql = args[3]
    val warmSql = args[4]
    val mib = args[5].toLong() / MIB
    val warmups = args[6].toInt()
    val runs = args[7].toInt()
    val api = WorkspaceClient(
        DatabricksConfig().setHost(ep.baseUrl).setToken(ep.token).setCredentialsProvider(PatCredentialsProvider()),
    ).statementExecution()

    fun finished(r: StatementResponse): StatementResponse {
        var s = r
        val end = System.currentTimeMillis() + 10 * 60_000
        while (s.status.state == StatementState.PENDING || s.status.state == StatementState.RUNNING) {
            check(System.currentTimeMillis() < end) { "statement ${s.statementId} still ${s.status.state} after 10 min" }
            Thread.sleep(50)
            s = api.getStatement(s.statementId)
        }
        check(s.status.state == StatementState.SUCCEEDED) { "statement ended ${s.status.state}: ${s.status.error?.message}" }
        return s
    }

    RawHttp().use { raw ->
        RootAllocator().use { allocator ->
            fun once(q: String): Triple<Double, Double, Long> {
                val t0 = System.nanoTime()
                val r = finished(
                    api.executeStatement(
                        ExecuteStatementRequest().setStatement(q).setWarehouseId(ep.warehouseId)
                            .setDisposition(Disposition.EXTERNAL_LINKS).setFormat(Format.ARROW_STREAM).setWaitTimeout("30s"),
                    ),
                )
                val t1 = System.nanoTime()
                var rows = 0L
                var links = r.result?.externalLinks?.toList().orEmpty()
                var i = 0L
                while (i < r.manifest.totalChunkCount) {
                    val link = links.firstOrNull { it.chunkIndex == i }
                        ?: api.getStatementResultChunkN(r.statementId, i).externalLinks.toList().also { links = it }.first { it.chunkIndex == i }
                    rows += raw.downloadAndDecode(listOf(Download(link.externalLink, link.httpHeaders.orEmpty())), lz4 = false, allocator)
                    i++
                }
                val t2 = System.nanoTime()
                check(rows == r.manifest.totalRowCount) { "read $rows of ${r.manifest.totalRowCount} rows" }
                return Triple((t1 - t0) / 1e9, (t2 - t1) / 1e9, rows)
            }
            repeat(warmups) { once(warmSql); System.err.println("sdk-java warm-up ${it + 1} done") }
            val read = ArrayList<Double>()
            val total = ArrayList<Double>()
            repeat(runs) {
                val (exec, rd, n) = once(sql)
                read += mib / rd
                total += mib / (exec + rd)
                System.err.println("sdk-java run ${it + 1}: execute ${"%.2f".format(exec)} s, read ${"%.2f".format(rd)} s, $n rows")
            }
            ChildJvm.emit(Measure("sdkjava-read", "databricks-sdk-java statement API + Arrow on 1 thread, read phase (no LZ4)", "MiB/s", read, higherIsBetter = true))
            ChildJvm.emit(Measure("sdkjava-e2e", "databricks-sdk-java, `executeStatement` + read", "MiB/s", total, higherIsBetter = true))
        }
    }
}
