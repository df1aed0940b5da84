package dev.dbsql.auth

import dev.dbsql.warehouse.LocalWarehouse
import dev.dbsql.warehouse.WarehouseConfig
import dev.dbsql.warehouse.oauth.OAuthSettings
import dev.dbsql.warehouse.oauth.TokenFederation
import io.ktor.client.HttpClient
import io.ktor.client.engine.cio.CIO
import io.ktor.client.request.bearerAuth
import io.ktor.client.request.get
import io.ktor.client.request.post
import io.ktor.client.request.setBody
import io.ktor.client.statement.bodyAsText
import io.ktor.http.ContentType
import io.ktor.http.contentType
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import java.nio.file.Files
import java.nio.file.Path
import java.time.Duration
import java.util.concurrent.atomic.AtomicInteger

const val SP_ID: String = OAuthSettings.SERVICE_PRINCIPAL_ID
const val SP_SECRET: String = "dbsql-test-secret"

fun startWarehouse(
    lifetime: Duration = Duration.ofHours(1),
    refreshLifetime: Duration = Duration.ofDays(1),
    federation: TokenFederation? = null,
): LocalWarehouse = LocalWarehouse.start(
    // OAuth is off by default: turn on the built-in clients with the tests' secret, U2M approved unattended.
    WarehouseConfig(
        oauth = OAuthSettings(
            clients = OAuthSettings.builtInClients(SP_SECRET),
            autoApprove = true,
            accessTokenLifetime = lifetime,
            refreshTokenLifetime = refreshLifetime,
            federation = federation,
        ),
    ),
)

fun testHttpClient(): HttpClient = HttpClient(CIO) { expectSuccess = false }

/**
 * Runs `SELECT 1` through the statement API with [token]; returns the statement state
 * (`SUCCEEDED`, ...) or `HTTP <status>` when the call itself was refused.
 */
suspend fun HttpClient.selectOne(warehouse: LocalWarehouse, token: AccessToken): String {
    val response = post("${warehouse.baseUrl}/api/2.0/sql/statements") {
        bearerAuth(token.value)
        contentType(ContentType.Application.Json)
        setBody("""{"statement":"SELECT 1","warehouse_id":"${warehouse.warehouseId}","wait_timeout":"10s"}""")
    }
    if (response.status.value != 200) return "HTTP ${response.status.value}"
    val body = Json.parseToJsonElement(response.bodyAsText()).jsonObject
    return body["status"]!!.jsonObject["state"]!!.jsonPrimitive.content
}

/**
 * The browser of a U2M test: follows the authorization URL (after [tamper]) over HTTP, redirects
 * included, to the provider's loopback listener, and keeps the page it ends on.
 */
class FollowingBrowser(private val tamper: (String) -> String = { it }) : BrowserLauncher, AutoCloseable {
    private val client = HttpClient(CIO) { expectSuccess = false }
    val opened = AtomicInteger()

    @Volatile
    var lastPage: String = ""

    @Volatile
    var lastStatus: Int = 0

    override fun open(url: String) {
        opened.incrementAndGet()
        runBlocking {
            val response = client.get(tamper(url))
            lastStatus = response.status.value
            lastPage = response.bodyAsText()
        }
    }

    override fun close() = client.close()
}

/** A browser that must not be opened. */
val noBrowser: BrowserLauncher = BrowserLauncher { throw AssertionError("the browser must not be opened") }

fun tempDir(): Path = Files.createTempDirectory("dbsql-auth-test")
