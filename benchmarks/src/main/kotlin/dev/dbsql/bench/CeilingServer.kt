@file:JvmName("CeilingServer")

package dev.dbsql.bench

import com.sun.net.httpserver.HttpServer
import java.net.InetSocketAddress
import java.nio.ByteBuffer
import java.nio.channels.FileChannel
import java.nio.channels.ServerSocketChannel
import java.nio.channels.SocketChannel
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.StandardOpenOption
import java.util.concurrent.Executors

/**
 * The loopback ceiling for serving result files, run in its own JVM: the chunk files of a result
 * (`<dir>/<i>.bin`, in the page cache) served at `/c/<i>` by
 *  - the JDK's plain HTTP server (`com.sun.net.httpserver`), and
 *  - a bare keep-alive HTTP/1.1 responder that sends each file with `FileChannel.transferTo`
 *    (sendfile): the TCP ceiling with HTTP framing and nothing else.
 * Prints `PORTS <jdk> <sendfile>` and serves until killed.
 *
 * Args: dir
 */
fun main(args: Array<String>) {
    val dir = Path.of(args[0])
    fun file(path: String): Path? = path.removePrefix("/c/").toIntOrNull()?.let { dir.resolve("$it.bin") }?.takeIf { Files.isRegularFile(it) }

    val jdk = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 64)
    jdk.executor = Executors.newFixedThreadPool(16)
    jdk.createContext("/c/") { ex ->
        try {
            val f = file(ex.requestURI.path)
            if (f == null) {
                ex.sendResponseHeaders(404, -1)
            } else {
                ex.responseHeaders.add("Content-Type", "application/octet-stream")
                ex.sendResponseHeaders(200, Files.size(f))
                ex.responseBody.use { out -> Files.copy(f, out) }
            }
        } finally {
            ex.close()
        }
    }
    jdk.start()

    val raw = ServerSocketChannel.open().bind(InetSocketAddress("127.0.0.1", 0), 64)
    Thread({
        while (true) {
            val ch = raw.accept()
            Thread({ serve(ch, ::file) }, "sendfile-conn").apply { isDaemon = true }.start()
        }
    }, "sendfile-accept").start()

    println("PORTS ${jdk.address.port} ${(raw.localAddress as InetSocketAddress).port}")
    System.out.flush()
}

/** Answers GETs on one keep-alive connection until the client closes it. */
private fun serve(ch: SocketChannel, file: (String) -> Path?) {
    ch.use {
        val buf = ByteBuffer.allocate(16 * 1024)
        while (true) {
            val head = readHead(ch, buf) ?: return
            val path = head.substringBefore("\r\n").split(' ').getOrNull(1)?.substringBefore('?') ?: return
            val f = file(path)
            if (f == null) {
                write(ch, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                continue
            }
            FileChannel.open(f, StandardOpenOption.READ).use { fc ->
                val size = fc.size()
                write(ch, "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: $size\r\n\r\n")
                var pos = 0L
                while (pos < size) pos += fc.transferTo(pos, size - pos, ch)
            }
        }
    }
}

/** Reads one request head (GETs have no body); null when the peer closed the connection. */
private fun readHead(ch: SocketChannel, buf: ByteBuffer): String? {
    val sb = StringBuilder()
    while (true) {
        val end = sb.indexOf("\r\n\r\n")
        if (end >= 0) {
            // anything after the head belongs to the next request: keep it for the next call
            val rest = sb.substring(end + 4)
            buf.clear()
            buf.put(rest.toByteArray(Charsets.ISO_8859_1))
            return sb.substring(0, end)
        }
        if (buf.position() > 0) {
            buf.flip()
            sb.append(Charsets.ISO_8859_1.decode(buf))
            buf.clear()
            continue
        }
        if (ch.read(buf) < 0) return null
    }
}

private fun write(ch: SocketChannel, text: String) {
    val b = ByteBuffer.wrap(text.toByteArray(Charsets.ISO_8859_1))
    while (b.hasRemaining()) ch.write(b)
}
