package dev.dbsql.warehouse.oauth

import dev.dbsql.warehouse.auth.TokenRegistry
import io.ktor.client.HttpClient
import io.ktor.client.request.basicAuth
import io.ktor.client.request.forms.submitForm
import io.ktor.client.request.get
import io.ktor.client.statement.HttpResponse
import io.ktor.client.statement.bodyAsText
import io.ktor.http.Parameters
import io.ktor.http.ParametersBuilder
import io.ktor.server.cio.CIO
import io.ktor.server.engine.embeddedServer
import io.ktor.server.routing.routing
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.jsonObject
import java.time.Clock
import java.time.Duration
import java.time.Instant
import java.time.ZoneId
import java.time.ZoneOffset

/** A clock tests move by hand. */
class MutableClock(@Volatile var now: Instant = Instant.parse("2026-01-01T00:00:00Z")) : Clock() {
    override fun getZone(): ZoneId = ZoneOffset.UTC
    override fun withZone(zone: ZoneId?): Clock = this
    override fun instant(): Instant = now
    fun advance(by: Duration) {
        now = now.plus(by)
    }
}

/**
 * Only the OAuth routes, on a real CIO server on a random loopback port, with a client that does
 * not follow redirects.
 */
class OAuthTestServer(settings: OAuthSettings = testSettings(), val clock: MutableClock = MutableClock()) : AutoCloseable {
    val registry = TokenRegistry(clock)
    val oauth = OAuthServer(registry, settings, clock)
    private var base = ""
    private val server = embeddedServer(CIO, port = 0, host = "127.0.0.1") {
        routing { oauth.install(this) { base } }
    }.start(wait = false)
    val client = HttpClient(io.ktor.client.engine.cio.CIO) {
        expectSuccess = false
        followRedirects = false
    }

    suspend fun baseUrl(): String {
        if (base.isEmpty()) base = "http://127.0.0.1:${server.engine.resolvedConnectors().first().port}"
        return base
    }

    suspend fun get(path: String): HttpResponse = client.get(baseUrl() + path)

    suspend fun token(basic: Pair<String, String>? = null, form: ParametersBuilder.() -> Unit): HttpResponse =
        client.submitForm(baseUrl() + "/oidc/v1/token", Parameters.build(form)) {
            if (basic != null) basicAuth(basic.first, basic.second)
        }

    override fun close() {
        client.close()
        server.stop(100, 1000)
    }
}

suspend fun HttpResponse.json(): JsonObject = Json.parseToJsonElement(bodyAsText()).jsonObject

const val SP_ID: String = OAuthSettings.SERVICE_PRINCIPAL_ID
const val SP_SECRET: String = "dbsql-test-secret"

/** OAuth turned on the way tests want it: the built-in clients with [SP_SECRET], U2M logins approved. */
fun testSettings(): OAuthSettings = OAuthSettings(clients = OAuthSettings.builtInClients(SP_SECRET), autoApprove = true)
const val CLI: String = "databricks-cli"
