package dev.dbsql.core.it

import dev.dbsql.testing.HostileServer
import dev.dbsql.auth.AccessToken
import dev.dbsql.auth.CredentialsProvider
import dev.dbsql.core.DatabricksSqlClient
import dev.dbsql.core.ExponentialBackoffRetryStrategy
import dev.dbsql.core.ProtocolException
import dev.dbsql.core.StatementHandle
import dev.dbsql.core.clientConfig
import dev.dbsql.core.internal.ApiTransport
import dev.dbsql.core.internal.CallInfo
import dev.dbsql.core.internal.CallKind
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.types.shouldBeSameInstanceAs
import io.ktor.client.HttpClient
import io.ktor.client.engine.cio.CIO
import io.ktor.client.plugins.api.createClientPlugin
import io.ktor.http.ContentType
import io.ktor.http.HttpMethod
import io.ktor.server.response.respondBytesWriter
import io.ktor.server.response.respondText
import io.ktor.utils.io.writeFully
import java.time.Instant
import java.util.concurrent.atomic.AtomicInteger

/**
 * API answers a hostile server can give: bodies larger than `ClientConfig.maxResponseBytes` (with
 * and without `Content-Length`), manifests without or with negative counts, and an `Error` thrown
 * while sending. Each ends in a typed exception (or the right result) and nothing is retried.
 */
class HostileResponsesSpec : FunSpec({
    val limit = 64L * 1024

    fun client(server: HostileServer, maxBytes: Long = limit) = DatabricksSqlClient(
        clientConfig {
            host = server.baseUrl; warehouse = "abc"; auth = pat("t"); retry = Fixtures.fastRetry
            maxResponseBytes = maxBytes
        },
    )

    val padding = "x".repeat(200 * 1024)
    val bigJson = """{"statement_id":"s1","status":{"state":"SUCCEEDED"},"pad":"$padding"}"""

    test("a statement response larger than maxResponseBytes fails with ProtocolException naming the limit, sent once") {
        HostileServer { respondText(bigJson, ContentType.Application.Json) }.use { server ->
            client(server).use { c ->
                val e = shouldThrow<ProtocolException> { c.execute("SELECT 1") }
                e.message shouldContain "maxResponseBytes"
                e.message shouldContain "$limit"
                e.retryable shouldBe false
            }
            server.received.size shouldBe 1
        }
    }

    test("a streamed status response without Content-Length is cut at the limit and not retried") {
        HostileServer {
            respondBytesWriter(ContentType.Application.Json) {
                writeFully("""{"statement_id":"s1","status":{"state":"RUNNING"},"pad":"""".toByteArray())
                val block = ByteArray(16 * 1024) { 'y'.code.toByte() }
                repeat(64) { writeFully(block) } // 1 MiB, far over the 64 KiB limit
                writeFully("\"}".toByteArray())
            }
        }.use { server ->
            client(server).use { c ->
                val handle = StatementHandle(server.baseUrl, "abc", "s1", Instant.now())
                val e = shouldThrow<ProtocolException> { c.status(handle) }
                e.message shouldContain "maxResponseBytes"
            }
            server.received.size shouldBe 1 // a status call is idempotent, and still not retried
        }
    }

    test("the same response under a higher limit is read") {
        HostileServer { respondText(bigJson.replace("SUCCEEDED", "RUNNING"), ContentType.Application.Json) }.use { server ->
            client(server, maxBytes = 1024L * 1024).use { c ->
                c.status(StatementHandle(server.baseUrl, "abc", "s1", Instant.now())).stateName shouldBe "RUNNING"
            }
        }
    }

    fun statement(manifest: String, result: String) =
        """{"statement_id":"s1","status":{"state":"SUCCEEDED"},"manifest":$manifest,"result":$result}"""
    val schema = """"schema":{"column_count":1,"columns":[{"name":"id","type_name":"LONG","type_text":"BIGINT","position":0}]}"""

    test("a manifest without total_chunk_count and total_row_count takes its counts from the inline data") {
        val body = statement("""{"format":"JSON_ARRAY",$schema}""", """{"chunk_index":0,"data_array":[["1"],["2"],["3"]]}""")
        HostileServer { respondText(body, ContentType.Application.Json) }.use { server ->
            client(server).use { c ->
                val r = c.execute("SELECT 1")
                r.manifest.totalRowCount shouldBe 3
                r.manifest.totalChunkCount shouldBe 1
            }
        }
    }

    test("a manifest without counts takes them from its chunk list") {
        val chunks = """"chunks":[{"chunk_index":0,"row_offset":0,"row_count":2},{"chunk_index":1,"row_offset":2,"row_count":5}]"""
        val body = statement("""{"format":"JSON_ARRAY",$schema,$chunks}""", """{"chunk_index":0,"data_array":[["1"],["2"]],"next_chunk_index":1}""")
        HostileServer { respondText(body, ContentType.Application.Json) }.use { server ->
            client(server).use { c ->
                val m = c.execute("SELECT 1").manifest
                m.totalRowCount shouldBe 7
                m.totalChunkCount shouldBe 2
            }
        }
    }

    test("a manifest without counts whose data says more chunks follow is a ProtocolException, not an empty result") {
        val body = statement("""{"format":"JSON_ARRAY",$schema}""", """{"chunk_index":0,"data_array":[["1"]],"next_chunk_index":1}""")
        HostileServer { respondText(body, ContentType.Application.Json) }.use { server ->
            client(server).use { c ->
                shouldThrow<ProtocolException> { c.execute("SELECT 1") }.message shouldContain "total_chunk_count"
            }
        }
    }

    for ((field, value) in listOf("total_row_count" to "-5", "total_chunk_count" to "-1")) {
        test("a negative $field is a ProtocolException") {
            val body = statement("""{"format":"JSON_ARRAY",$schema,"total_chunk_count":1,"total_row_count":1,"$field":$value}""", """{"data_array":[["1"]]}""")
            HostileServer { respondText(body, ContentType.Application.Json) }.use { server ->
                client(server).use { c ->
                    shouldThrow<ProtocolException> { c.execute("SELECT 1") }.message shouldContain field
                }
            }
        }
    }

    test("an Error thrown while sending propagates unchanged and is not retried") {
        val sends = AtomicInteger()
        val boom = StackOverflowError("hostile recursion")
        val http = HttpClient(CIO) {
            install(createClientPlugin("boom") { onRequest { _, _ -> sends.incrementAndGet(); throw boom } })
        }
        val credentials = object : CredentialsProvider {
            override val name = "test"
            override suspend fun token() = AccessToken("t")
        }
        HostileServer { respondText("{}") }.use { server ->
            http.use {
                val transport = ApiTransport(server.baseUrl, it, credentials, ExponentialBackoffRetryStrategy(Fixtures.fastRetry))
                val thrown = shouldThrow<StackOverflowError> {
                    transport.call(HttpMethod.Get, "/api/2.0/sql/statements/s1", null, CallInfo(CallKind.STATUS, "get statement s1", "s1"))
                }
                thrown shouldBeSameInstanceAs boom
            }
            sends.get() shouldBe 1
            server.received.size shouldBe 0
        }
    }
})
