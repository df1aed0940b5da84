package dev.dbsql.auth.internal

import com.sun.net.httpserver.HttpExchange
import com.sun.net.httpserver.HttpServer
import dev.dbsql.auth.CredentialsException
import dev.dbsql.auth.OAuthException
import kotlinx.coroutines.CompletableDeferred
import java.net.BindException
import java.net.InetAddress
import java.net.InetSocketAddress
import java.net.URLDecoder

/**
 * The loopback HTTP listener that receives the authorization redirect (`?code=...&state=...`).
 *
 * The JDK's own `com.sun.net.httpserver` serves it: one request per login does not justify adding
 * a server framework to every SDK user's classpath. It binds the loopback address only, checks
 * `state`, answers the browser with a short page, and completes [result] with the code or a typed
 * error. [close] stops it.
 */
internal class LoopbackListener private constructor(
    private val server: HttpServer,
    private val expectedState: String,
) : AutoCloseable {
    val result: CompletableDeferred<String> = CompletableDeferred()
    val redirectUri: String get() = "http://localhost:${server.address.port}"

    private fun handle(exchange: HttpExchange) {
        exchange.use {
            val query = parseQuery(exchange.requestURI.rawQuery)
            if (exchange.requestURI.path != "/" || (query["code"] == null && query["error"] == null)) {
                respond(exchange, 404, "Not found.")
                return
            }
            if (result.isCompleted) {
                respond(exchange, 400, "This login has already completed. You can close this tab.")
                return
            }
            val failure = when {
                query["state"] != expectedState -> OAuthException(
                    "the authorization redirect carried a wrong 'state'; it does not belong to the login this client started",
                    error = "state_mismatch",
                )
                query["error"] != null -> OAuthException(
                    "authorization was refused: ${query["error"]}" + (query["error_description"]?.let { ": $it" } ?: ""),
                    error = query["error"],
                )
                else -> null
            }
            if (failure != null) {
                respond(exchange, 400, "Sign-in failed: ${failure.message}. You can close this tab.")
                result.completeExceptionally(failure)
            } else {
                respond(exchange, 200, "Signed in. You can close this tab and return to the application.")
                result.complete(query.getValue("code"))
            }
        }
    }

    override fun close() {
        server.stop(0)
    }

    companion object {
        /** Binds `127.0.0.1:[port]` (0: any free port). */
        fun start(port: Int, expectedState: String): LoopbackListener {
            val server = try {
                HttpServer.create(InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0)
            } catch (e: BindException) {
                throw CredentialsException("cannot listen for the OAuth redirect on localhost:$port (${e.message})", e)
            }
            val listener = LoopbackListener(server, expectedState)
            server.createContext("/") { listener.handle(it) }
            server.start()
            return listener
        }

        private fun parseQuery(raw: String?): Map<String, String> =
            raw.orEmpty().split('&').filter { it.isNotEmpty() }.associate { pair ->
                val key = URLDecoder.decode(pair.substringBefore('='), Charsets.UTF_8)
                val value = URLDecoder.decode(pair.substringAfter('=', ""), Charsets.UTF_8)
                key to value
            }

        private fun respond(exchange: HttpExchange, status: Int, text: String) {
            val escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            val body = "<!DOCTYPE html><html><body><p>$escaped</p></body></html>".toByteArray()
            exchange.responseHeaders.add("Content-Type", "text/html; charset=utf-8")
            exchange.sendResponseHeaders(status, body.size.toLong())
            exchange.responseBody.use { it.write(body) }
        }
    }
}
