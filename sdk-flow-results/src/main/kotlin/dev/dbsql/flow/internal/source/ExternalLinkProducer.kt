
package dev.dbsql.flow.internal.source

import dev.dbsql.core.ProtocolException
import dev.dbsql.core.internal.ExternalLink
import dev.dbsql.flow.internal.pipeline.ChunkProducer
import dev.dbsql.flow.internal.pipeline.ChunkSpec
import dev.dbsql.flow.internal.pipeline.LinkExpiredException
import dev.dbsql.flow.internal.pipeline.RetryableChunkException
import io.ktor.client.HttpClient
import io.ktor.client.plugins.timeout
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
import kotlinx.coroutines.withTimeoutOrNull
import org.apache.arrow.memory.BufferAllocator
import org.apache.arrow.vector.VectorSchemaRoot
import java.io.FilterInputStream
import java.io.IOException
import java.io.InputStream
import io.ktor.http.Url
import java.time.Duration

/**
 * Downloads chunks through their external links with the client's download HTTP client (which never
 * sends `Authorization` and follows no redirect by itself), adding each link's `http_headers`, and
 * decodes the body while it arrives ([decode] runs on the pipeline's dispatcher inside
 * `runInterruptible`). A download that is slow to answer gets a second request ([DownloadHedge]);
 * only the first response is read.
 *
 * Answers: 200 → decode; 301 / 302 / 303 / 307 / 308 → followed, at most [MAX_REDIRECTS] times, to
 * http(s) targets only, and without the link's `http_headers` once the host (scheme, host or port)
 * changes; 403 / 404 / 410 → the link is dropped and [LinkExpiredException] thrown (the next attempt
 * fetches a fresh link; a result that is gone then fails there with the core's
 * `ResultExpiredException`); 408 / 429 / 5xx → retryable with the server's `Retry-After` (a negative
 * or unreadable one means the normal backoff); anything else → [ProtocolException]. A link or
 * redirect that is not http(s) is a [ProtocolException] (not retried). A body shorter than its
 * `Content-Length` is retryable.
 *
 * Time: a body that delivers no byte for [idleTimeout] fails (retryable); one download (redirects
 * included) may take [chunkTimeout] in all. Messages show link URLs as `scheme://host/path` only.
 */
internal class ExternalLinkProducer(
    private val statementId: String,
    /** The download client for a host (a link's, or a redirect target's). */
    private val http: (host: String) -> HttpClient,
    private val links: LinkCache,
    private val hedge: DownloadHedge,
    /** Where bodies are read and decoded: never the HTTP client's own threads (see `ResultOptions.dispatcher`). */
    private val decodeOn: CoroutineDispatcher,
    private val idleTimeout: Duration = Duration.ofSeconds(30),
    private val chunkTimeout: Duration = Duration.ofMinutes(10),
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
        val target = LinkUrls.httpUrl(link.url) ?: throw ProtocolException(
            "the download link of chunk ${spec.index} is not an http(s) URL: ${LinkUrls.redact(link.url)}", null, statementId,
        )
        val rows = withTimeoutOrNull(chunkTimeout.toMillis()) {
            hedge.download(spec.index) { race -> follow(spec, link, target, race, skipRows, allocator, sink) }
        }
        return rows ?: throw RetryableChunkException(
            "download of chunk ${spec.index} did not finish within ResultOptions.chunkTimeout (${chunkTimeout.toMillis()} ms)",
        )
    }

    /** One request of a download, following redirects; null when another request of the race claimed it. */
    private suspend fun follow(
        spec: ChunkSpec,
        link: ExternalLink,
        first: Url,
        race: DownloadHedge.Claim,
        skipRows: Long,
        allocator: BufferAllocator,
        sink: (VectorSchemaRoot) -> Unit,
    ): Long? {
        val origin = LinkUrls.origin(first)
        var uri = first
        var address = link.url.trim() // the link as given for the first request, the resolved target after a redirect
        var redirects = 0
        while (true) {
            val headers = if (LinkUrls.origin(uri) == origin) link.httpHeaders else emptyMap()
            val outcome: Any? = try {
                http(uri.host).prepareGet(address) {
                    headers.forEach { (name, value) -> header(name, value) }
                    timeout {
                        requestTimeoutMillis = chunkTimeout.toMillis()
                        // the engine's own silence limit: for the response headers, and a backstop for the body
                        // behind the body's idle timeout (which fires first, with a clear message)
                        socketTimeoutMillis = idleTimeout.toMillis() * 2
                    }
                }.execute { response ->
                    val status = response.status.value
                    when {
                        status in REDIRECT_STATUSES -> Redirect(response.headers[HttpHeaders.Location])
                        race.claim() -> read(spec, link, response, skipRows, allocator, sink)
                        else -> null
                    }
                }
            } catch (e: IOException) {
                // ktor's messages name the URL, signature included: keep the type and stack, not the text
                val text = LinkUrls.scrub(e.message ?: "", link.url, address, uri.toString())
                throw RetryableChunkException(
                    "download of chunk ${spec.index} from ${LinkUrls.redact(address)} failed: ${e::class.simpleName}: $text",
                    IOException(text).also { it.stackTrace = e.stackTrace },
                )
            }
            if (outcome !is Redirect) return outcome as Long?
            if (++redirects > MAX_REDIRECTS) {
                throw ProtocolException("download of chunk ${spec.index} was redirected more than $MAX_REDIRECTS times", null, statementId)
            }
            val location = outcome.location?.trim()?.takeIf { it.isNotEmpty() }
                ?: throw ProtocolException("download of chunk ${spec.index} was redirected without a Location", null, statementId)
            uri = LinkUrls.resolve(uri, location) ?: throw ProtocolException(
                "download of chunk ${spec.index} was redirected to ${LinkUrls.redact(location)}, which is not an http(s) URL",
                null, statementId,
            )
            address = uri.toString()
        }
    }

    private class Redirect(val location: String?)

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
                throw LinkExpiredException("download of chunk ${spec.index} answered HTTP $status (expired or refused link)")
            }
            status == 408 || status == 429 || status >= 500 -> throw RetryableChunkException(
                "download of chunk ${spec.index} answered HTTP $status",
                retryAfter = retryAfter(response.headers[HttpHeaders.RetryAfter]),
            )
            else -> throw ProtocolException("download of chunk ${spec.index} answered HTTP $status", null, statementId)
        }
        val expected = response.contentLength()
        val body = response.bodyAsChannel()
        return runInterruptible(decodeOn) {
            val counting = CountingInputStream(ChannelInputStream(body, idleTimeout.toMillis(), spec.index))
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

    internal companion object {
        /** Redirects followed per download at most. */
        const val MAX_REDIRECTS: Int = 5
        private val REDIRECT_STATUSES = setOf(301, 302, 303, 307, 308)

        /** A download's `Retry-After` in seconds; negative or unreadable → null (the normal backoff). */
        fun retryAfter(header: String?): Duration? = header?.trim()?.toLongOrNull()?.takeIf { it >= 0 }?.let(Duration::ofSeconds)
    }
}

/**
 * A blocking view of a response body. Each read waits in the calling thread's own event loop
 * (`runBlocking` without a dispatcher), where ktor's `toInputStream` waits on `Dispatchers.IO` and
 * so grows that pool by a thread for nearly every download waiting for bytes. An interrupt of the
 * reading thread (`runInterruptible`) ends the wait with `InterruptedException`; a wait longer than
 * the idle limit ends it with [DownloadStalledException].
 */
internal class ChannelInputStream(
    private val channel: ByteReadChannel,
    /** The longest wait for the next byte, after which the read fails with [DownloadStalledException]. */
    private val idleMillis: Long = Long.MAX_VALUE,
    private val chunkIndex: Int = -1,
) : InputStream() {
    override fun read(): Int {
        val one = ByteArray(1)
        return if (read(one, 0, 1) < 0) -1 else one[0].toInt() and 0xFF
    }

    override fun read(b: ByteArray, off: Int, len: Int): Int {
        if (len == 0) return 0
        return runBlocking {
            withTimeoutOrNull(idleMillis) {
                var n = channel.readAvailable(b, off, len)
                while (n == 0) n = channel.readAvailable(b, off, len)
                n
            } ?: throw DownloadStalledException(
                "download of chunk $chunkIndex stalled: no bytes for $idleMillis ms (ResultOptions.downloadIdleTimeout)",
            )
        }
    }

    override fun close() {
        channel.cancel(null)
    }
}

/** A download body delivered no byte for the idle timeout (retryable: another attempt may flow). */
internal class DownloadStalledException(message: String) : IOException(message)

/** Counts the bytes read through it. */
internal class CountingInputStream(input: InputStream) : FilterInputStream(input) {
    var count: Long = 0
        private set

    override fun read(): Int = super.read().also { if (it >= 0) count++ }

    override fun read(b: ByteArray, off: Int, len: Int): Int = super.read(b, off, len).also { if (it > 0) count += it }

    override fun skip(n: Long): Long = super.skip(n).also { count += it }
}
