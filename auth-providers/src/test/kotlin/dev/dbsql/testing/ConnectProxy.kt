package dev.dbsql.testing

import java.io.ByteArrayOutputStream
import java.io.IOException
import java.io.InputStream
import java.io.OutputStream
import java.net.InetAddress
import java.net.InetSocketAddress
import java.net.ServerSocket
import java.net.Socket
import java.util.Base64
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.ExecutorService
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit

/**
 * A real HTTP proxy for tests, on a random loopback port: it opens `CONNECT host:port` tunnels
 * (and relays bytes both ways until either side closes) and refuses every other method with 501,
 * the way a tunnelling-only corporate proxy does. With [credentials] it requires
 * `Proxy-Authorization: Basic …` and answers 407 without it. [refuse] lets a test make the proxy
 * answer a status of its choice for some targets (e.g. 403 for a blocked storage host).
 *
 * It records every CONNECT it was asked for ([requests]) and every tunnel it opened ([tunnels]),
 * as `host:port`. Owns its threads (daemon); [close] stops them and closes all sockets.
 */
class ConnectProxy(
    private val credentials: Pair<String, String>? = null,
    private val refuse: (target: String) -> Int? = { null },
) : AutoCloseable {
    /** One request as the proxy read it: its request line and headers (names lower-case). */
    data class Request(val method: String, val target: String, val headers: Map<String, String>)

    /** Requests received, tunnels or not, in arrival order. */
    val requests: MutableList<Request> = CopyOnWriteArrayList()

    /** Targets (`host:port`) of the tunnels opened, in order. */
    val tunnels: MutableList<String> = CopyOnWriteArrayList()

    private val pool: ExecutorService = Executors.newCachedThreadPool { r -> Thread(r, "test-connect-proxy").apply { isDaemon = true } }
    private val open = ConcurrentHashMap.newKeySet<Socket>()
    private val server = ServerSocket().apply { bind(InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64) }

    @Volatile private var closed = false

    val port: Int = server.localPort

    init {
        pool.execute {
            while (!closed) {
                val client = try {
                    server.accept()
                } catch (e: IOException) {
                    break
                }
                pool.execute { serve(client) }
            }
        }
    }

    private fun serve(client: Socket) {
        open += client
        var upstream: Socket? = null
        try {
            client.soTimeout = 60_000
            val input = client.getInputStream()
            val out = client.getOutputStream()
            val head = readHead(input) ?: return
            val lines = head.split("\r\n")
            val parts = lines.first().split(' ')
            if (parts.size != 3) return answer(out, 400, "Bad Request")
            val headers = lines.drop(1).filter { it.contains(':') }
                .associate { it.substringBefore(':').trim().lowercase() to it.substringAfter(':').trim() }
            val request = Request(parts[0], parts[1], headers)
            requests += request
            if (request.method != "CONNECT") return answer(out, 501, "Not Implemented")
            if (credentials != null) {
                val expected = "Basic " + Base64.getEncoder().encodeToString("${credentials.first}:${credentials.second}".toByteArray())
                if (headers["proxy-authorization"] != expected) {
                    return answer(out, 407, "Proxy Authentication Required", "Proxy-Authenticate: Basic realm=\"test\"\r\n")
                }
            }
            refuse(request.target)?.let { return answer(out, it, "Refused") }
            val host = request.target.substringBeforeLast(':')
            val port = request.target.substringAfterLast(':').toIntOrNull() ?: return answer(out, 400, "Bad Request")
            upstream = try {
                Socket(host, port)
            } catch (e: IOException) {
                return answer(out, 502, "Bad Gateway")
            }
            open += upstream
            tunnels += request.target
            out.write("HTTP/1.1 200 Connection Established\r\n\r\n".toByteArray())
            out.flush()
            val up = upstream
            client.soTimeout = 0
            pool.execute {
                pump(up.getInputStream(), out)
                runCatching { client.shutdownOutput() }
            }
            pump(input, up.getOutputStream())
            runCatching { up.shutdownOutput() }
        } catch (e: IOException) {
            // the client or the target went away
        } finally {
            upstream?.let { close(it) }
            close(client)
        }
    }

    /** The request head up to the blank line (at most 64 KiB), or null when the client closed first. */
    private fun readHead(input: InputStream): String? {
        val buffer = ByteArrayOutputStream()
        var matched = 0
        val end = "\r\n\r\n"
        while (matched < 4) {
            val b = input.read()
            if (b < 0) return null
            buffer.write(b)
            matched = if (b.toChar() == end[matched]) matched + 1 else if (b.toChar() == '\r') 1 else 0
            if (buffer.size() > 64 * 1024) return null
        }
        return buffer.toString(Charsets.ISO_8859_1).removeSuffix(end)
    }

    private fun answer(out: OutputStream, status: Int, reason: String, extra: String = "") {
        out.write("HTTP/1.1 $status $reason\r\n${extra}Content-Length: 0\r\nConnection: close\r\n\r\n".toByteArray())
        out.flush()
    }

    private fun pump(from: InputStream, to: OutputStream) {
        val buffer = ByteArray(64 * 1024)
        try {
            while (true) {
                val n = from.read(buffer)
                if (n < 0) break
                to.write(buffer, 0, n)
                to.flush()
            }
        } catch (e: IOException) {
            // one side closed
        }
    }

    private fun close(socket: Socket) {
        open -= socket
        runCatching { socket.close() }
    }

    override fun close() {
        closed = true
        runCatching { server.close() }
        open.toList().forEach { close(it) }
        pool.shutdownNow()
        pool.awaitTermination(5, TimeUnit.SECONDS)
    }
}
