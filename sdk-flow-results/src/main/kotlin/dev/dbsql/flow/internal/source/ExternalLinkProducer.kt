
package dev.dbsql.flow.internal.source

import dev.dbsql.core.ProtocolException
import dev.dbsql.core.internal.ExternalLink
import dev.dbsql.flow.internal.pipeline.ChunkProducer
import dev.dbsql.flow.internal.pipeline.ChunkSpec
import dev.dbsql.flow.internal.pipeline.LinkExpiredException
import dev.dbsql.flow.internal.pipeline.RetryableChunkException
import io.ktor.client.HttpClient
import io.ktor.client.request.header
import io.ktor.client.request.prepareGet
import io.ktor.client.statement.HttpResponse
import io.ktor.client.statement.bodyAsChannel
import io.ktor.http.HttpHeaders
import io.ktor.http.contentLength
import io.ktor.utils.io.ByteReadChannel
import io.ktor.utils.io.readAvailable
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.runInterruptible
import org.apache.arrow.memory.BufferAllocator
import org.apache.arrow.vector.VectorSchemaRoot
import java.io.FilterInputStream
import java.io.InputStream
import java.time.Duration

/**
 * Downloads chunks through their external links with the client's download HTTP client (which never
 * sends `Authorization`), adding each link's `http_headers`, and decodes the body while it arrives
 * ([decode] runs on the pipeline's dispatcher inside `runInterruptible`). A download that is slow
 * to answer gets a second request ([DownloadHedge]); only the first response is read.
 *
 * Answers: 200 → decode; 403 / 404 / 410 → the link is dropped and [LinkExpiredException] thrown
 * (the next attempt fetches a fresh link; a result that is gone then fails there with the core's
 * `ResultExpiredException`); 408 / 429 / 5xx → retryable with the server's `Retry-After`;
 * anything else → [ProtocolException]. A body shorter than its `Content-Length` is retryable.
 */
internal class ExternalLinkProducer(
    private val statementId: String,
    private val http: HttpClient,
    private val links: LinkCache,
    private val hedge: DownloadHedge,
    /** Where bodies are read and decoded: never the HTTP client's own threads (see `ResultOptions.dispatcher`). */
    private val decodeOn: CoroutineDispatcher,
    private val decode: (input: InputStream, skipRows: Long, allocator: BufferAllocator, sink: (VectorSchemaRoot) -> Unit) -> Long,
) : ChunkProducer {

    override suspend fun produce(
        spec: ChunkSpec,
        attempt: Int,
        skipRows: Long,
        allocator: BufferAllocator,
        sink: (VectorSchemaRoot) -> Unit,
    ): Long {
        val link = links.get(spec.index)
        return hedge.download(spec.index) { race ->
            http.prepareGet(link.url) {
                link.httpHeaders.forEach { (name, value) -> header(name, value) }
            }.execute { response ->
                if (race.claim()) read(spec, link, response, skipRows, allocator, sink) else null
            }
        }
    }

    private suspend fun read(
        spec: ChunkSpec,
        link: ExternalLink,
        response: HttpResponse,
        skipRows: Long,
        allocator: BufferAllocator,
        sink: (VectorSchemaRoot) -> Unit,
    ): Long {
        val status = response.status.value
        when {
            status == 200 -> Unit
            status == 403 || status == 404 || status == 410 -> {
                links.invalidate(spec.index, link)
                throw LinkExpiredException("download of chunk ${spec.index} answered HTTP $status")
            }
            status == 408 || status == 429 || status >= 500 -> throw RetryableChunkException(
                "download of chunk ${spec.index} answered HTTP $status",
                retryAfter = response.headers[HttpHeaders.RetryAfter]?.trim()?.toLongOrNull()?.let(Duration::ofSeconds),
            )
            else -> throw ProtocolException("download of chunk ${spec.index} answered HTTP $status", null, statementId)
        }
        val expected = response.contentLength()
        val body = response.bodyAsChannel()
        return runInterruptible(decodeOn) {
            val counting = CountingInputStream(ChannelInputStream(body))
            val rows = decode(counting, skipRows, allocator, sink)
            if (expected != null && counting.count != expected) {
                throw RetryableChunkException("chunk ${spec.index}: body ended after ${counting.count} of $expected bytes")
            }
            rows
        }
    }

    override fun admitted(spec: ChunkSpec, scope: CoroutineScope) {
        links.prefetchAfter(spec.index, scope)
    }
}

/**
 * A blocking view of a response body. Each read waits in the calling thread's own event loop
 * (`runBlocking` without a dispatcher), where ktor's `toInputStream` waits on `Dispatchers.IO` and
 * so grows that pool by a thread for nearly every download waiting for bytes. An interrupt of the
 * reading thread (`runInterruptible`) ends the wait with `InterruptedException`.
 */
internal class ChannelInputStream(private val channel: ByteReadChannel) : InputStream() {
    override fun read(): Int {
        val one = ByteArray(1)
        return if (read(one, 0, 1) < 0) -1 else one[0].toInt() and 0xFF
    }

    override fun read(b: ByteArray, off: Int, len: Int): Int {
        if (len == 0) return 0
        return runBlocking {
            var n = channel.readAvailable(b, off, len)
            while (n == 0) n = channel.readAvailable(b, off, len)
            n
        }
    }

    override fun close() {
        channel.cancel(null)
    }
}

/** Counts the bytes read through it. */
internal class CountingInputStream(input: InputStream) : FilterInputStream(input) {
    var count: Long = 0
        private set

    override fun read(): Int = super.read().also { if (it >= 0) count++ }

    override fun read(b: ByteArray, off: Int, len: Int): Int = super.read(b, off, len).also { if (it > 0) count += it }

    override fun skip(n: Long): Long = super.skip(n).also { count += it }
}
