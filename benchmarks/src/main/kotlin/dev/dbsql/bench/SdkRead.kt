
package dev.dbsql.bench

import dev.dbsql.core.DatabricksSqlClient
import dev.dbsql.core.Disposition
import dev.dbsql.core.ExecuteOptions
import dev.dbsql.core.StatementResult
import dev.dbsql.core.internal.ExternalLink
import dev.dbsql.core.internal.downloadHttpClient
import dev.dbsql.core.internal.fetchResultData
import dev.dbsql.flow.ResultOptions
import dev.dbsql.flow.batches
import io.ktor.client.request.header
import io.ktor.client.request.prepareGet
import io.ktor.client.statement.bodyAsChannel
import io.ktor.utils.io.readAvailable
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.runBlocking
import java.util.concurrent.atomic.AtomicInteger
import java.util.concurrent.atomic.AtomicLong

/** The synthetic result shape: three BIGINT columns, 24 bytes of Arrow data per row. */
object Data {
    const val BYTES_PER_ROW = 24L

    fun rowsFor(bytes: Long): Long = (bytes + BYTES_PER_ROW - 1) / BYTES_PER_ROW

    fun sql(rows: Long): String = "SELECT id, id * 2 AS b, id % 1000 AS c FROM range($rows)"

    /** Large results always come as links (no hybrid inline answer for a small quick-mode result). */
    val links = ExecuteOptions(disposition = Disposition.EXTERNAL_LINKS)
}

/** What a pass over a result delivered. */
data class ReadStats(val rows: Long, val batches: Long)

/** Reads [result] through the SDK's Flow, closing each batch; the consumer only counts rows. */
fun readFlow(result: StatementResult, options: ResultOptions): ReadStats = runBlocking { collectFlow(result, options) }

/** [readFlow] for callers already in a coroutine (never nest `runBlocking` in a dispatcher's threads). */
suspend fun collectFlow(result: StatementResult, options: ResultOptions): ReadStats {
    var rows = 0L
    var batches = 0L
    result.batches(options).collect { b -> b.use { rows += it.rowCount; batches++ } }
    return ReadStats(rows, batches)
}

/** Arrow (uncompressed) bytes of a result as its manifest announces them. */
val StatementResult.arrowBytes: Long get() = manifest.totalByteCount ?: manifest.chunks.sumOf { it.byteCount ?: 0 }

/** One fresh external link per chunk of [result], fetched through the chunk endpoint (not timed by callers). */
fun links(client: DatabricksSqlClient, result: StatementResult): List<ExternalLink> = runBlocking {
    (0 until result.manifest.totalChunkCount).map { i ->
        val data = client.fetchResultData(result.statementId, i)
        data.externalLinks.firstOrNull { it.chunkIndex == i } ?: error("chunk $i of ${result.statementId} came without a link")
    }
}

fun List<ExternalLink>.downloads(): List<Download> = map { Download(it.url, it.httpHeaders) }

/**
 * GETs every link with the SDK's own download client (ktor CIO), [parallelism] at once, bytes
 * discarded: the transport part of the SDK without decoding. Returns the bytes read.
 */
fun ktorDownloadAll(client: DatabricksSqlClient, links: List<ExternalLink>, parallelism: Int): Long = runBlocking(Dispatchers.IO) {
    val http = client.downloadHttpClient(java.net.URI(links.first().url).host)
    val next = AtomicInteger()
    val total = AtomicLong()
    coroutineScope {
        List(parallelism) {
            async {
                val buf = ByteArray(256 * 1024)
                while (true) {
                    val i = next.getAndIncrement()
                    if (i >= links.size) break
                    val link = links[i]
                    http.prepareGet(link.url) { link.httpHeaders.forEach { (k, v) -> header(k, v) } }.execute { r ->
                        check(r.status.value == 200) { "download of chunk $i answered ${r.status}" }
                        val ch = r.bodyAsChannel()
                        while (true) {
                            val n = ch.readAvailable(buf, 0, buf.size)
                            if (n < 0) break
                            total.addAndGet(n.toLong())
                        }
                    }
                }
            }
        }.awaitAll()
    }
    total.get()
}
