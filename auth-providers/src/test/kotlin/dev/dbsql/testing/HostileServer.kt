package dev.dbsql.testing

import io.ktor.http.ContentType
import io.ktor.server.application.ApplicationCall
import io.ktor.server.cio.CIO
import io.ktor.server.engine.embeddedServer
import io.ktor.server.request.httpMethod
import io.ktor.server.request.receiveText
import io.ktor.server.request.uri
import io.ktor.server.response.respondText
import io.ktor.server.routing.route
import io.ktor.server.routing.routing
import kotlinx.coroutines.runBlocking
import java.util.concurrent.CopyOnWriteArrayList

/**
 * A server made for a test, on a random loopback port: it answers every request with [answer] and
 * records what it received (method, URI, headers and body), so a test can prove a secret never
 * reached it.
 */
class HostileServer(private val answer: suspend ApplicationCall.(HostileServer) -> Unit) : AutoCloseable {
    /** One request as received. */
    data class Received(val method: String, val uri: String, val headers: Map<String, List<String>>, val body: String) {
        val text: String get() = "$method $uri $headers $body"
    }

    val received: MutableList<Received> = CopyOnWriteArrayList()

    private val server = embeddedServer(CIO, port = 0, host = "127.0.0.1") {
        routing {
            route("{...}") {
                handle {
                    received += Received(
                        call.request.httpMethod.value,
                        call.request.uri,
                        call.request.headers.entries().associate { it.key to it.value },
                        call.receiveText(),
                    )
                    call.answer(this@HostileServer)
                }
            }
        }
    }.start(wait = false)

    val port: Int = runBlocking { server.engine.resolvedConnectors().first().port }
    val baseUrl: String = "http://127.0.0.1:$port"

    override fun close() = server.stop(100, 1_000)

    companion object {
        /** A workspace whose OIDC discovery names [tokenEndpoint] / [authorizationEndpoint]; anything else is 404. */
        fun discovery(tokenEndpoint: (HostileServer) -> String, authorizationEndpoint: (HostileServer) -> String? = { null }) =
            HostileServer { self ->
                if (request.uri.startsWith("/oidc/.well-known/oauth-authorization-server")) {
                    val auth = authorizationEndpoint(self)?.let { ""","authorization_endpoint":"$it"""" } ?: ""
                    respondText("""{"token_endpoint":"${tokenEndpoint(self)}"$auth}""", ContentType.Application.Json)
                } else {
                    respondText("""{"error":"not_found"}""", ContentType.Application.Json, io.ktor.http.HttpStatusCode.NotFound)
                }
            }

        /** A token endpoint that issues a token to anyone (and records what it was sent). */
        fun tokenIssuer() = HostileServer {
            respondText("""{"access_token":"issued-by-hostile","token_type":"Bearer","expires_in":3600}""", ContentType.Application.Json)
        }
    }
}
