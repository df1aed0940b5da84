package dev.dbsql.warehouse.http

import dev.dbsql.warehouse.WarehouseConfig
import dev.dbsql.warehouse.api.ApiErrors
import io.ktor.http.HttpHeaders
import io.ktor.server.application.ApplicationCall
import io.ktor.server.request.receiveChannel
import io.ktor.utils.io.readRemaining
import kotlinx.coroutines.withTimeoutOrNull
import kotlinx.io.readByteArray
import java.io.ByteArrayInputStream
import java.io.ByteArrayOutputStream
import java.io.IOException
import java.time.Duration
import java.util.zip.GZIPInputStream

/**
 * How much of a request body the server reads: at most [maxRawBytes] from the wire, at most
 * [maxDecodedBytes] after `Content-Encoding: gzip` is undone, and no longer than [readTimeout] for
 * the whole body. Past a size limit the answer is 413, past the timeout 408 (both close the connection).
 */
internal data class BodyLimits(val maxRawBytes: Long, val maxDecodedBytes: Long, val readTimeout: Duration) {
    companion object {
        fun of(config: WarehouseConfig) = BodyLimits(config.maxRequestBodyBytes, config.maxDecodedBodyBytes, config.bodyReadTimeout)
    }
}

/** The request body as text (see [bodyBytes]). */
internal suspend fun ApplicationCall.bodyText(limits: BodyLimits): String = bodyBytes(limits).decodeToString()

/**
 * The request body, bounded by [limits]. A request with neither `Content-Length` nor
 * `Transfer-Encoding` has no body (RFC 9112 §6.3): nothing is read, whatever `Connection` says.
 * A declared length over the raw limit is refused before a byte is read. `Content-Encoding: gzip`
 * is decoded when the bytes are gzip; a body that does not decode is a 400.
 */
internal suspend fun ApplicationCall.bodyBytes(limits: BodyLimits): ByteArray {
    val headers = request.headers
    val contentLength = headers[HttpHeaders.ContentLength]
    if (contentLength == null && headers[HttpHeaders.TransferEncoding] == null) return ByteArray(0)
    val declared = contentLength?.trim()?.toLongOrNull()
    if (declared != null && declared > limits.maxRawBytes) throw ApiErrors.bodyTooLarge(limits.maxRawBytes, decoded = false)
    if (declared == 0L) return ByteArray(0)
    val raw = withTimeoutOrNull(limits.readTimeout.toMillis()) {
        receiveChannel().readRemaining(limits.maxRawBytes + 1).readByteArray()
    } ?: throw ApiErrors.bodyTimeout(limits.readTimeout)
    if (raw.size > limits.maxRawBytes) throw ApiErrors.bodyTooLarge(limits.maxRawBytes, decoded = false)
    val gzip = raw.size >= 2 && raw[0] == 0x1f.toByte() && raw[1] == 0x8b.toByte() &&
        headers[HttpHeaders.ContentEncoding]?.contains("gzip", ignoreCase = true) == true
    return if (gzip) gunzip(raw, limits.maxDecodedBytes) else raw
}

/** Decodes gzip [bytes], refusing (413) before more than [max] decoded bytes are held. */
private fun gunzip(bytes: ByteArray, max: Long): ByteArray {
    val out = ByteArrayOutputStream()
    val buffer = ByteArray(64 * 1024)
    try {
        GZIPInputStream(ByteArrayInputStream(bytes)).use { input ->
            while (true) {
                val n = input.read(buffer)
                if (n < 0) break
                if (out.size().toLong() + n > max) throw ApiErrors.bodyTooLarge(max, decoded = true)
                out.write(buffer, 0, n)
            }
        }
    } catch (e: IOException) {
        throw ApiErrors.badRequest("Malformed request body: it is not valid gzip (${e.message})")
    }
    return out.toByteArray()
}
