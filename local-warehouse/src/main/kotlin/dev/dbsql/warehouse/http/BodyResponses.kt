package dev.dbsql.warehouse.http

import dev.dbsql.warehouse.faults.Fault
import io.ktor.http.ContentType
import io.ktor.http.HttpStatusCode
import io.ktor.http.content.OutgoingContent
import io.ktor.server.application.ApplicationCall
import io.ktor.server.response.respond
import io.ktor.server.response.respondBytes
import io.ktor.utils.io.ByteWriteChannel
import io.ktor.utils.io.writeFully
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.delay
import kotlinx.coroutines.withContext
import java.io.IOException
import java.io.InputStream

/** Thrown inside a response body to make the engine drop the connection (injected fault). */
internal class InjectedAbort(message: String) : IOException(message)

private const val STREAM_BUFFER = 256 * 1024
private const val ABORT_GRACE_MILLIS = 100L

/** Sends [bytes]; with a body [fault] the body stops early and the connection is dropped. */
internal suspend fun ApplicationCall.respondBody(
    bytes: ByteArray,
    contentType: ContentType,
    status: HttpStatusCode = HttpStatusCode.OK,
    fault: Fault? = null,
) {
    if (fault == null) {
        respondBytes(bytes, contentType, status)
        return
    }
    val cut = cutPoint(fault, bytes.size.toLong()).toInt()
    respond(
        BodyContent(contentType, status, bytes.size.toLong()) { channel ->
            channel.writeFully(bytes, 0, cut)
            abort(channel, fault)
        },
    )
}

/**
 * Streams [length] bytes from [open] with `Content-Length` set, copying through a fixed buffer on
 * the IO dispatcher (no whole-body copy). With a body [fault] it stops early and drops the connection.
 */
internal suspend fun ApplicationCall.respondStream(
    length: Long,
    contentType: ContentType,
    fault: Fault?,
    open: () -> InputStream,
) {
    val limit = if (fault == null) length else cutPoint(fault, length)
    respond(
        BodyContent(contentType, HttpStatusCode.OK, length) { channel ->
            withContext(Dispatchers.IO) {
                open().use { input -> copy(input, channel, limit) }
            }
            if (fault != null) abort(channel, fault)
        },
    )
}

private suspend fun copy(input: InputStream, channel: ByteWriteChannel, limit: Long) {
    val buffer = ByteArray(STREAM_BUFFER)
    var left = limit
    while (left > 0) {
        val n = input.read(buffer, 0, minOf(buffer.size.toLong(), left).toInt())
        if (n < 0) throw IOException("stored chunk ended $left bytes early")
        channel.writeFully(buffer, 0, n)
        left -= n
    }
}

/** Where a body fault cuts: the configured byte count (kept below the full length), else half. */
private fun cutPoint(fault: Fault, length: Long): Long {
    val asked = when (fault) {
        is Fault.ResetMidBody -> fault.afterBytes
        is Fault.TruncatedBody -> fault.keepBytes
        else -> null
    }
    val cut = asked ?: (length / 2)
    return cut.coerceIn(0, maxOf(0, length - 1))
}

private suspend fun abort(channel: ByteWriteChannel, fault: Fault) {
    channel.flush()
    // Let the partial body reach the socket: the engine discards unsent buffers when it drops the connection.
    delay(ABORT_GRACE_MILLIS)
    throw InjectedAbort(if (fault is Fault.ResetMidBody) "injected connection reset" else "injected truncated body")
}

/**
 * A body of [length] bytes (sent as `Content-Length`) written by [write]. When [write] throws, the
 * CIO engine drops the connection: the client sees the body end early. (ktor CIO exposes no socket
 * options, so the drop is an orderly close, not a TCP RST; a chunked body would instead be ended
 * cleanly by the engine, which is why faulted bodies always promise their full length.)
 */
private class BodyContent(
    override val contentType: ContentType,
    override val status: HttpStatusCode,
    private val length: Long,
    private val write: suspend (ByteWriteChannel) -> Unit,
) : OutgoingContent.WriteChannelContent() {
    override val contentLength: Long get() = length

    override suspend fun writeTo(channel: ByteWriteChannel) = write(channel)
}
