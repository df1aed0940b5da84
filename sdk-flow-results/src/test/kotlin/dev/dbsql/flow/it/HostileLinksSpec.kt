package dev.dbsql.flow.it

import dev.dbsql.core.DatabricksSqlException
import dev.dbsql.core.ProtocolException
import dev.dbsql.flow.ChunkDownloadException
import dev.dbsql.flow.ResultOptions
import dev.dbsql.flow.batches
import dev.dbsql.flow.unit.ArrowBytes
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import io.kotest.matchers.types.shouldBeInstanceOf
import io.ktor.http.ContentType
import io.ktor.http.HttpHeaders
import io.ktor.http.HttpStatusCode
import io.ktor.server.request.uri
import io.ktor.server.response.header
import io.ktor.server.response.respond
import io.ktor.server.response.respondBytes
import io.ktor.server.response.respondBytesWriter
import io.ktor.utils.io.writeFully
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.delay
import kotlinx.coroutines.withTimeout
import org.apache.arrow.memory.RootAllocator
import kotlin.random.Random
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/**
 * Link bodies and answers from a hostile link host (a ktor server on loopback): lengths that would
 * exhaust the heap, random bytes, redirects across hosts and to other schemes, slow and stalled
 * bodies, links for the wrong chunk. Each ends in the right rows or a typed exception; no secret of
 * a presigned URL appears in any message; the allocator is empty afterwards.
 */
class HostileLinksSpec : FunSpec({
    val allocator = Fixtures.trackingAllocator()
    afterSpec { allocator.close() }
    val quick = ResultOptions(allocator = allocator, maxAttempts = 2, initialBackoff = 10.milliseconds, maxBackoff = 50.milliseconds, hedgeSlowDownloads = null)

    fun chain(e: Throwable): String = generateSequence(e) { it.cause }.take(10).joinToString(" <- ") { it.toString() }

    /** Reads the result of one statement whose chunk 0 is at [linkHost]`/chunk/0?sig`; returns rows read. */
    suspend fun read(linkHost: HostileHttp, options: ResultOptions = quick, rows: Long = 10, requestTimeout: kotlin.time.Duration = 2.seconds): Long {
        val url = "${linkHost.baseUrl}/chunk/0?${HostileHttp.SIGNATURE}"
        HostileHttp.api({ HostileHttp.arrowStatement(url, rows) }).use { api ->
            HostileHttp.client(api, requestTimeout).use { client ->
                val result = client.execute("SELECT id")
                var n = 0L
                withTimeout(60.seconds) { result.batches(options).collect { b -> b.use { n += it.rowCount } } }
                return n
            }
        }
    }

    suspend fun failure(linkHost: HostileHttp, options: ResultOptions = quick): DatabricksSqlException {
        val e = shouldThrow<DatabricksSqlException> { read(linkHost, options) }
        withClue(chain(e)) { chain(e) shouldNotContain "SECRETSIG" }
        allocator.allocatedMemory shouldBe 0
        return e
    }

    test("a 420-byte body announcing 2 GiB of IPC metadata is a ProtocolException, not an OutOfMemoryError") {
        val body = ByteArray(420) { 0x41 }
        byteArrayOf(-1, -1, -1, -1, 0xf0.toByte(), -1, -1, 0x7f).copyInto(body)
        HostileHttp { respondBytes(body, ContentType.Application.OctetStream) }.use { links ->
            val e = failure(links)
            e.shouldBeInstanceOf<ProtocolException>()
            e.message shouldContain "metadata"
            links.received.size shouldBe 1 // not retried
        }
    }

    test("16 KiB of random bytes end in a typed exception, whatever the seed") {
        for (seed in 1..12) {
            val body = Random(seed).nextBytes(16 * 1024)
            HostileHttp { respondBytes(body, ContentType.Application.OctetStream) }.use { links -> failure(links) }
        }
    }

    test("a cross-host redirect drops the link's http_headers; the target's body is read") {
        val bytes = RootAllocator().use { ArrowBytes.stream(it, 0, 10, 4) }
        HostileHttp { respondBytes(bytes, ContentType.Application.OctetStream) }.use { target ->
            HostileHttp {
                response.header(HttpHeaders.Location, "${target.baseUrl}/moved?other=1")
                respond(HttpStatusCode.Found)
            }.use { links ->
                read(links) shouldBe 10
                links.received.single().headers["x-k"] shouldBe listOf("key-value")
                target.received.single().headers.keys.filter { it == "x-k" }.shouldBeEmpty()
                target.received.single().headers.keys.filter { it == "authorization" }.shouldBeEmpty()
            }
        }
        allocator.allocatedMemory shouldBe 0
    }

    test("a same-host redirect keeps the link's http_headers") {
        val bytes = RootAllocator().use { ArrowBytes.stream(it, 0, 10, 4) }
        HostileHttp {
            if (request.uri.startsWith("/chunk")) {
                response.header(HttpHeaders.Location, "/moved")
                respond(HttpStatusCode.TemporaryRedirect)
            } else {
                respondBytes(bytes, ContentType.Application.OctetStream)
            }
        }.use { links ->
            read(links) shouldBe 10
            links.received.map { it.headers["x-k"] } shouldBe listOf(listOf("key-value"), listOf("key-value"))
        }
    }

    for (target in listOf("file:///etc/passwd", "ftp://127.0.0.1/x", "jar:file:///x!/y")) {
        test("a redirect to $target is refused with a ProtocolException and not retried") {
            HostileHttp {
                response.header(HttpHeaders.Location, target)
                respond(HttpStatusCode.MovedPermanently)
            }.use { links ->
                failure(links).shouldBeInstanceOf<ProtocolException>().message shouldContain "not an http(s) URL"
                links.received.size shouldBe 1
            }
        }
    }

    test("an endless redirect loop stops after 5 redirects") {
        HostileHttp {
            response.header(HttpHeaders.Location, "/again")
            respond(HttpStatusCode.Found)
        }.use { links ->
            failure(links).shouldBeInstanceOf<ProtocolException>().message shouldContain "more than 5"
            links.received.size shouldBe 6
        }
    }

    test("a file:// link is a ProtocolException, never opened") {
        HostileHttp.api({ HostileHttp.arrowStatement("file:///etc/passwd?${HostileHttp.SIGNATURE}", 10) }).use { api ->
            HostileHttp.client(api).use { client ->
                val result = client.execute("SELECT id")
                val e = shouldThrow<ProtocolException> { result.batches(quick).collect { it.close() } }
                e.message shouldContain "not an http(s) URL"
                e.message shouldNotContain "SECRETSIG"
            }
        }
    }

    test("a slow but live body outlasting the client's request timeout is read completely") {
        val bytes = RootAllocator().use { ArrowBytes.stream(it, 0, 2000, 100) }
        HostileHttp {
            respondBytesWriter(ContentType.Application.OctetStream) {
                bytes.toList().chunked(bytes.size / 15 + 1).forEach { piece ->
                    writeFully(piece.toByteArray())
                    flush()
                    delay(100) // 1.5 s in all, beyond the 1 s request timeout below
                }
            }
        }.use { links ->
            read(links, quick.copy(downloadIdleTimeout = 20.seconds), rows = 2000, requestTimeout = 1.seconds) shouldBe 2000
            links.received.size shouldBe 1
        }
        allocator.allocatedMemory shouldBe 0
    }

    test("a stalled body fails with a typed error after the idle timeout") {
        val bytes = RootAllocator().use { ArrowBytes.stream(it, 0, 2000, 100) }
        HostileHttp {
            respondBytesWriter(ContentType.Application.OctetStream) {
                writeFully(bytes.copyOf(100))
                flush()
                awaitCancellation()
            }
        }.use { links ->
            val e = failure(links, quick.copy(downloadIdleTimeout = 300.milliseconds, chunkTimeout = 10.seconds * 60))
            e.shouldBeInstanceOf<ChunkDownloadException>()
            chain(e) shouldContain "stalled"
            links.received.size shouldBe 2 // both attempts
        }
    }

    test("a whole-chunk budget ends a body that trickles forever") {
        val bytes = RootAllocator().use { ArrowBytes.stream(it, 0, 2000, 100) }
        HostileHttp {
            respondBytesWriter(ContentType.Application.OctetStream) {
                for (b in bytes) { // a byte every 20 ms: always live, done only after ten minutes
                    writeFully(byteArrayOf(b))
                    flush()
                    delay(20)
                }
            }
        }.use { links ->
            val e = failure(links, quick.copy(downloadIdleTimeout = 5.seconds, chunkTimeout = 500.milliseconds))
            e.shouldBeInstanceOf<ChunkDownloadException>()
            chain(e) shouldContain "chunkTimeout"
        }
    }

    test("a chunk call answering with the link of another chunk is reported as such, not as expired") {
        val bytes = RootAllocator().use { ArrowBytes.stream(it, 0, 10, 10) }
        HostileHttp { respondBytes(bytes, ContentType.Application.OctetStream) }.use { links ->
            val url = "${links.baseUrl}/chunk?${HostileHttp.SIGNATURE}"
            val wrong = """{"external_links":[${HostileHttp.link(5, 10, 10, url)}]}"""
            HostileHttp.api({ HostileHttp.arrowStatement(url, 10, chunks = 2, nextChunk = 1) }, { wrong }).use { api ->
                HostileHttp.client(api).use { client ->
                    val result = client.execute("SELECT id")
                    val e = shouldThrow<ProtocolException> {
                        withTimeout(60.seconds) { result.batches(quick.copy(linkPrefetch = 0)).collect { it.close() } }
                    }
                    e.message shouldContain "chunk 1"
                    e.message shouldContain "chunks [5]"
                    e.message shouldNotContain "expired"
                }
            }
        }
        allocator.allocatedMemory shouldBe 0
    }

    test("a refused connection names the link without its signature") {
        val closed = HostileHttp { respond(HttpStatusCode.OK) }
        closed.close()
        val e = failure(closed)
        e.shouldBeInstanceOf<ChunkDownloadException>()
        e.message shouldContain "127.0.0.1:${closed.port}/chunk/0"
    }
})
