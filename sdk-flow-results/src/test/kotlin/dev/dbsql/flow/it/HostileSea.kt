package dev.dbsql.flow.it

import dev.dbsql.core.DatabricksSqlClient
import dev.dbsql.core.RetryPolicy
import dev.dbsql.core.Timeouts
import dev.dbsql.core.clientConfig
import io.ktor.http.ContentType
import io.ktor.server.application.ApplicationCall
import io.ktor.server.cio.CIO
import io.ktor.server.engine.embeddedServer
import io.ktor.server.request.uri
import io.ktor.server.response.respondText
import io.ktor.server.routing.route
import io.ktor.server.routing.routing
import kotlinx.coroutines.runBlocking
import java.util.concurrent.CopyOnWriteArrayList
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/**
 * A server made for a test on a random loopback port: every request is recorded (URI and headers)
 * and answered by [answer]. Used both as a hostile Statement Execution API and as a hostile link host.
 */
class HostileHttp(private val answer: suspend ApplicationCall.(HostileHttp) -> Unit) : AutoCloseable {
    data class Received(val uri: String, val headers: Map<String, List<String>>)

    val received: MutableList<Received> = CopyOnWriteArrayList()

    private val server = embeddedServer(CIO, port = 0, host = "127.0.0.1") {
        routing {
            route("{...}") {
                handle {
                    received += Received(call.request.uri, call.request.headers.entries().associate { it.key.lowercase() to it.value })
                    call.answer(this@HostileHttp)
                }
            }
        }
    }.start(wait = false)

    val port: Int = runBlocking { server.engine.resolvedConnectors().first().port }
    val baseUrl: String = "http://127.0.0.1:$port"

    override fun close() = server.stop(0, 500)

    companion object {
        const val SIGNATURE = "X-Amz-Signature=SECRETSIG0123456789"

        /** An `id BIGINT` Arrow result of [rows] rows in one chunk at [linkUrl] (whose link carries `x-k: key-value`). */
        fun arrowStatement(linkUrl: String, rows: Long, chunks: Int = 1, nextChunk: Int? = null): String {
            val next = nextChunk?.let { ""","next_chunk_index":$it""" } ?: ""
            val chunkList = (0 until chunks).joinToString(",") { """{"chunk_index":$it,"row_offset":${it * rows},"row_count":$rows}""" }
            return """{"statement_id":"s1","status":{"state":"SUCCEEDED"},"manifest":{"format":"ARROW_STREAM",""" +
                """"schema":{"column_count":2,"columns":[{"name":"id","type_name":"LONG","type_text":"BIGINT","position":0},""" +
                """{"name":"s","type_name":"STRING","type_text":"STRING","position":1}]},"total_chunk_count":$chunks,""" +
                """"chunks":[$chunkList],"total_row_count":${rows * chunks},"result_compression":"NONE"},""" +
                """"result":{"external_links":[${link(0, 0, rows, linkUrl, next)}]}}"""
        }

        fun link(index: Int, offset: Long, rows: Long, url: String, next: String = "") =
            """{"chunk_index":$index,"row_offset":$offset,"row_count":$rows,"byte_count":1000,"external_link":"$url",""" +
                """"expiration":"2999-01-01T00:00:00Z","http_headers":{"x-k":"key-value"}$next}"""

        /** An API server answering every statement call with [statement] and chunk calls with [chunk]. */
        fun api(statement: () -> String, chunk: (String) -> String = { """{"external_links":[]}""" }) = HostileHttp {
            val uri = request.uri
            val body = if (uri.contains("/result/chunks/")) chunk(uri) else statement()
            respondText(body, ContentType.Application.Json)
        }

        fun client(api: HostileHttp, requestTimeout: kotlin.time.Duration = 2.seconds) = DatabricksSqlClient(
            clientConfig {
                host = api.baseUrl; warehouse = "w"; auth = pat("t")
                retry = RetryPolicy(maxAttempts = 2, maxTotalTime = 20.seconds, baseDelay = 10.milliseconds, maxDelay = 50.milliseconds)
                timeouts = Timeouts(request = requestTimeout)
            },
        )
    }
}
