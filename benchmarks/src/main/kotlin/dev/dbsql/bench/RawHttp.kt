package dev.dbsql.bench

import net.jpountz.lz4.LZ4FrameInputStream
import org.apache.arrow.memory.BufferAllocator
import org.apache.arrow.vector.ipc.ArrowStreamReader
import java.io.BufferedInputStream
import java.io.InputStream
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.time.Duration
import java.util.concurrent.Executors
import java.util.concurrent.Future
import java.util.concurrent.atomic.AtomicInteger

/** A URL to GET plus the headers it needs (an external link, or a file of the ceiling server). */
data class Download(val url: String, val headers: Map<String, String> = emptyMap())

/**
 * The baselines that involve no SDK code: plain JDK `HttpClient` (HTTP/1.1) GETs of the very links
 * the SDK reads, bytes discarded or decoded with Arrow + lz4-java on one thread.
 */
class RawHttp : AutoCloseable {
    private val pool = Executors.newCachedThreadPool { r -> Thread(r, "raw-http").apply { isDaemon = true } }
    val http: HttpClient = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .executor(pool)
        .build()

    private fun get(d: Download): InputStream {
        val b = HttpRequest.newBuilder(URI(d.url)).GET().timeout(Duration.ofMinutes(5))
        d.headers.forEach { (k, v) -> b.header(k, v) }
        val r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream())
        if (r.statusCode() != 200) {
            r.body().close()
            error("GET ${d.url.substringBefore('?')} answered ${r.statusCode()}")
        }
        return r.body()
    }

    /** GETs every download with [parallelism] threads, discarding the bytes; returns the bytes read. */
    fun downloadAll(downloads: List<Download>, parallelism: Int): Long {
        val next = AtomicInteger()
        val workers = Executors.newFixedThreadPool(parallelism) { r -> Thread(r, "raw-dl").apply { isDaemon = true } }
        try {
            val futures: List<Future<Long>> = List(parallelism) {
                workers.submit<Long> {
                    val buf = ByteArray(256 * 1024)
                    var total = 0L
                    while (true) {
                        val i = next.getAndIncrement()
                        if (i >= downloads.size) break
                        get(downloads[i]).use { input ->
                            while (true) {
                                val n = input.read(buf)
                                if (n < 0) break
                                total += n
                            }
                        }
                    }
                    total
                }
            }
            return futures.sumOf { it.get() }
        } finally {
            workers.shutdownNow()
        }
    }

    /**
     * Downloads and decodes every chunk in order on the calling thread: LZ4 frame (when [lz4]) then
     * Arrow IPC, loading every batch. Returns the rows read.
     */
    fun downloadAndDecode(downloads: List<Download>, lz4: Boolean, allocator: BufferAllocator): Long {
        var rows = 0L
        for (d in downloads) {
            get(d).use { body ->
                val input: InputStream = if (lz4) LZ4FrameInputStream(body) else BufferedInputStream(body, 256 * 1024)
                ArrowStreamReader(input, allocator).use { reader ->
                    while (reader.loadNextBatch()) rows += reader.vectorSchemaRoot.rowCount
                }
            }
        }
        return rows
    }

    /** One bare POST of [body] with a bearer token; returns the response text. */
    fun post(url: String, token: String, body: String): String {
        val r = http.send(
            HttpRequest.newBuilder(URI(url))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Authorization", "Bearer $token")
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(60))
                .build(),
            HttpResponse.BodyHandlers.ofString(),
        )
        check(r.statusCode() == 200) { "POST $url answered ${r.statusCode()}: ${r.body().take(300)}" }
        return r.body()
    }

    override fun close() {
        pool.shutdownNow()
    }
}
