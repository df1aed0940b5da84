package dev.dbsql.bench

import dev.dbsql.core.DatabricksSqlClient
import dev.dbsql.core.clientConfig
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.file.Path
import java.time.Duration
import java.time.Instant
import java.util.UUID

/** Where a warehouse listens and how to log in; passed to probes on their command line. */
data class Endpoint(val baseUrl: String, val token: String, val warehouseId: String) {
    fun args(): List<String> = listOf(baseUrl, token, warehouseId)

    fun jdbcUrl(): String {
        val hostPort = URI(baseUrl).let { "${it.host}:${it.port}" }
        return "jdbc:databricks://$hostPort/default;ssl=0;AuthMech=3;UID=token;PWD=$token;" +
            "httpPath=/sql/1.0/warehouses/$warehouseId;UseThriftClient=0;EnableTelemetry=0;" +
            "UseBoundedSeaApi=0;EnableThriftNativeMetadata=0"
    }

    /** An SDK client for this warehouse (default settings, as users get them). */
    fun client(): DatabricksSqlClient = DatabricksSqlClient(
        clientConfig {
            host = baseUrl
            warehouse = warehouseId
            auth = pat(token)
        },
    )

    companion object {
        fun fromArgs(args: Array<String>, from: Int = 0): Endpoint = Endpoint(args[from], args[from + 1], args[from + 2])
    }
}

/**
 * The local warehouse (`dev.dbsql.warehouse.MainKt`) in its own JVM, so it shares neither heap nor
 * GC with the client being measured, plus its admin endpoints (fault plan, statement records).
 */
class WarehouseProcess(
    logDir: Path,
    spillDir: Path,
    chunkBytes: Long,
    heap: String,
) : AutoCloseable {
    private val token = "dapi" + UUID.randomUUID().toString().replace("-", "")
    private val adminToken = "dadm" + UUID.randomUUID().toString().replace("-", "")
    private val warehouseId = UUID.randomUUID().toString().replace("-", "").take(16)
    private val child = ChildJvm(
        "local-warehouse", "dev.dbsql.warehouse.MainKt",
        listOf(
            "--port", "0", "--token", token, "--admin-token", adminToken, "--warehouse-id", warehouseId,
            "--chunk-bytes", chunkBytes.toString(), "--chunk-rows", "4000000",
            "--spill-dir", spillDir.toString(), "--threads", "4",
            // results live through the whole run, however slow the machine
            "--retention", "6h",
        ),
        listOf("-Xmx$heap", "-XX:+UseG1GC"),
        logDir,
    )
    val endpoint: Endpoint
    val pid: Long get() = child.pid
    private val http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build()

    init {
        try {
            val line = child.awaitLine(120_000) { it.trim().startsWith("URL:") }
            endpoint = Endpoint(line.substringAfter("URL:").trim(), token, warehouseId)
        } catch (e: Throwable) {
            child.close()
            throw e
        }
    }

    /** Installs fault rules (`POST /admin/faults`, a JSON array of rule objects). */
    fun addFaults(rulesJson: String) {
        val r = send(HttpRequest.newBuilder(URI("${endpoint.baseUrl}/admin/faults")).POST(HttpRequest.BodyPublishers.ofString(rulesJson)))
        check(r.statusCode() == 200) { "POST /admin/faults answered ${r.statusCode()}: ${r.body()}" }
    }

    /** Removes every fault rule. */
    fun clearFaults() {
        send(HttpRequest.newBuilder(URI("${endpoint.baseUrl}/admin/faults")).DELETE())
    }

    /** The fault rules with how often each fired (raw JSON). */
    fun faults(): String = send(HttpRequest.newBuilder(URI("${endpoint.baseUrl}/admin/faults")).GET()).body()

    /** `statement_id` → (started_at, finished_at) as the server recorded them. */
    fun statementTimes(): Map<String, Pair<Instant?, Instant?>> {
        val body = send(HttpRequest.newBuilder(URI("${endpoint.baseUrl}/admin/statements")).GET()).body()
        return Json.parseToJsonElement(body).jsonObject["statements"]!!.jsonArray.associate { el ->
            val o = el.jsonObject
            fun t(k: String) = o[k]?.jsonPrimitive?.takeIf { it.isString }?.content?.let(Instant::parse)
            o["statement_id"]!!.jsonPrimitive.content to (t("started_at") to t("finished_at"))
        }
    }

    private fun send(b: HttpRequest.Builder): HttpResponse<String> =
        http.send(
            b.timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer $adminToken").build(),
            HttpResponse.BodyHandlers.ofString(),
        )

    override fun close() {
        child.close()
    }
}
