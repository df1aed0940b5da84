package dev.dbsql.core.fuzz

import dev.dbsql.core.ClientConfig
import dev.dbsql.core.ConfigurationException
import dev.dbsql.core.DatabricksSqlClient
import dev.dbsql.core.DatabricksSqlException
import dev.dbsql.core.InvalidHandleException
import dev.dbsql.core.PemSource
import dev.dbsql.core.ProxyConfig
import dev.dbsql.core.StatementHandle
import dev.dbsql.core.TlsConfig
import dev.dbsql.core.clientConfig
import dev.dbsql.core.internal.fetchResultData
import dev.dbsql.core.it.Fixtures
import dev.dbsql.testing.HostileServer
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeInstanceOf
import io.kotest.property.PropTestConfig
import io.kotest.property.checkAll
import io.ktor.http.ContentType
import io.ktor.server.response.respondText
import kotlinx.coroutines.withTimeout
import java.time.Instant
import java.util.concurrent.atomic.AtomicReference
import kotlin.time.Duration.Companion.seconds

/**
 * Fuzzing, with fixed seeds and a bounded number of cases: every mutated input of the JSON readers
 * (client config, statement handle, statement response, result chunk) ends in a valid value or in
 * the SDK's typed exception, never in another exception, an `Error` or a hang.
 */
class JsonFuzzSpec : FunSpec({
    test("ClientConfig.fromJson: a config or a ConfigurationException") {
        val full = clientConfig {
            host = "https://example.cloud.databricks.com"; warehouse = "abc"; auth = pat("dapi-secret"); catalog = "c"; schema = "s"
            proxy = ProxyConfig("proxy.local", 3128, noProxy = listOf(".internal"))
            tls = TlsConfig(customCa = PemSource.Inline("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"))
            userAgentSuffix = "app/1"
        }
        val seeds = arrayOf(full.toJson(includeSecrets = true), full.toJson(), """{"host":"h","warehouseId":"w","auth":{"type":"pat","token":{"type":"env","name":"T"}}}""")
        var valid = 0
        checkAll(PropTestConfig(seed = 1001, iterations = 3000), Mutations.of(*seeds)) { input ->
            typed<ConfigurationException>(input) { ClientConfig.fromJson(input).also { valid++ } }
        }
        withClue("some inputs must be valid configs") { (valid > 0) shouldBe true }
    }

    test("StatementHandle.fromJson: a handle or an InvalidHandleException") {
        val seed = StatementHandle("https://h.example", "w", "01ef-abc", Instant.parse("2026-01-02T03:04:05Z"), "tag", mapOf("chunk" to "3")).toJson()
        checkAll(PropTestConfig(seed = 1002, iterations = 3000), Mutations.of(seed, """{"version":1}""", """{"version":{"a":1}}""", """{"version":[1]}""")) { input ->
            typed<InvalidHandleException>(input) { StatementHandle.fromJson(input) }
        }
    }

    val schema = """"schema":{"column_count":2,"columns":[{"name":"id","type_name":"LONG","type_text":"BIGINT","position":0},""" +
        """{"name":"d","type_name":"DECIMAL","type_text":"DECIMAL(5,2)","type_precision":5,"type_scale":2,"position":1}]}"""
    val inline = """{"statement_id":"s1","status":{"state":"SUCCEEDED"},"manifest":{"format":"JSON_ARRAY",$schema,"total_chunk_count":2,""" +
        """"chunks":[{"chunk_index":0,"row_offset":0,"row_count":2},{"chunk_index":1,"row_offset":2,"row_count":1}],"total_row_count":3},""" +
        """"result":{"chunk_index":0,"row_offset":0,"row_count":2,"data_array":[["1","1.50"],[null,"2.00"]],"next_chunk_index":1}}"""
    val links = """{"statement_id":"s2","status":{"state":"SUCCEEDED"},"manifest":{"format":"ARROW_STREAM",$schema,"total_chunk_count":1,""" +
        """"total_row_count":5,"total_byte_count":100,"result_compression":"LZ4_FRAME"},"result":{"external_links":[{"chunk_index":0,"row_offset":0,""" +
        """"row_count":5,"byte_count":100,"external_link":"https://bucket.example/x?sig=1","expiration":"2026-01-01T00:00:00Z",""" +
        """"http_headers":{"x-k":"v"}}]}}"""
    val failed = """{"statement_id":"s3","status":{"state":"FAILED","sql_state":"42000","error":{"error_code":"BAD","message":"no"}}}"""

    test("statement responses: a result or a DatabricksSqlException") {
        HostileServer { respondText("{}") }.use { server ->
            DatabricksSqlClient(clientConfig { host = server.baseUrl; warehouse = "w"; auth = pat("t") }).use { client ->
                val handle = StatementHandle(server.baseUrl, "w", "s1", Instant.now())
                checkAll(PropTestConfig(seed = 1003, iterations = 3000), Mutations.of(inline, links, failed)) { input ->
                    typed<DatabricksSqlException>(input) { client.statements.toResult(handle, client.statements.decode(input, null)) }
                }
            }
        }
    }

    test("result chunks over HTTP: result data or a DatabricksSqlException, never a hang") {
        val chunk = """{"chunk_index":1,"row_offset":2,"row_count":1,"data_array":[["3","0.01"]],"attachment":"QUJD",""" +
            """"external_links":[{"chunk_index":1,"external_link":"https://b.example/y?sig=2","expiration":"2026-01-01T00:00:00Z"}]}"""
        val body = AtomicReference(chunk)
        HostileServer { respondText(body.get(), ContentType.Application.Json) }.use { server ->
            DatabricksSqlClient(clientConfig { host = server.baseUrl; warehouse = "w"; auth = pat("t"); retry = Fixtures.fastRetry }).use { client ->
                checkAll(PropTestConfig(seed = 1004, iterations = 400), Mutations.of(chunk)) { input ->
                    body.set(input)
                    typed<DatabricksSqlException>(input) { withTimeout(30.seconds) { client.fetchResultData("s1", 1) } }
                }
            }
        }
    }
})

/** Runs [block]; anything but a value or a [T] fails the case, naming the input. */
internal suspend inline fun <reified T : Throwable> typed(input: String, block: () -> Any?) {
    val outcome = try {
        block()
        null
    } catch (e: Throwable) {
        e
    }
    if (outcome != null) withClue("input: ${input.take(400)} -> $outcome") { outcome.shouldBeInstanceOf<T>() }
}
