package dev.dbsql.warehouse.support

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.jsonObject
import java.io.ByteArrayOutputStream
import java.io.InputStream
import java.net.InetAddress
import java.net.Socket

/** A response read off a raw socket: status, lower-cased headers, body (by Content-Length, chunked not supported, or until close). */
class RawReply(val status: Int, val headers: Map<String, String>, val body: String) {
    val json: JsonObject get() = Json.parseToJsonElement(body).jsonObject
    override fun toString(): String = "RawReply($status, $headers, ${body.take(300)})"
}

/**
 * A hand-written HTTP/1.1 exchange on a fresh loopback connection to [port]: writes [head] (CRLF line
 * ends, blank line included by the caller) and then [body], optionally keeps the connection open
 * without sending more ([stallAfter]), and reads one response. Every read has a [hangGuardMillis]
 * socket timeout, so a server that never answers fails the test instead of hanging it.
 */
suspend fun rawExchange(
    port: Int,
    head: String,
    body: ByteArray = ByteArray(0),
    hangGuardMillis: Int = 30_000,
): RawReply = withContext(Dispatchers.IO) {
    Socket(InetAddress.getLoopbackAddress(), port).use { socket ->
        socket.soTimeout = hangGuardMillis
        val out = socket.getOutputStream()
        out.write(head.toByteArray(Charsets.ISO_8859_1))
        if (body.isNotEmpty()) out.write(body)
        out.flush()
        readResponse(socket.getInputStream())
    }
}

private fun readResponse(input: InputStream): RawReply {
    val headLines = ArrayList<String>()
    val line = StringBuilder()
    while (true) {
        val b = input.read()
        check(b >= 0) { "connection closed before the response head ended (got ${headLines.size} lines)" }
        if (b == '\n'.code) {
            val text = line.toString().trimEnd('\r')
            line.clear()
            if (text.isEmpty()) break
            headLines += text
        } else {
            line.append(b.toChar())
        }
    }
    val status = headLines.first().split(' ')[1].toInt()
    val headers = headLines.drop(1).associate { it.substringBefore(':').trim().lowercase() to it.substringAfter(':').trim() }
    val length = headers["content-length"]?.toInt()
    val body = ByteArrayOutputStream()
    if (length != null) {
        val buffer = ByteArray(length)
        var read = 0
        while (read < length) {
            val n = input.read(buffer, read, length - read)
            if (n < 0) break
            read += n
        }
        body.write(buffer, 0, read)
    } else {
        input.copyTo(body)
    }
    return RawReply(status, headers, body.toString(Charsets.UTF_8))
}
