package dev.dbsql.core.volumes.internal

import dev.dbsql.core.volumes.LocalPathNotAllowedException
import dev.dbsql.core.volumes.PresignedUrlExpiredException
import dev.dbsql.core.volumes.VolumeConnectionException
import dev.dbsql.core.volumes.VolumeOptions
import dev.dbsql.core.volumes.VolumeProgress
import dev.dbsql.core.volumes.VolumeTransferException
import io.ktor.client.HttpClient
import io.ktor.client.plugins.timeout
import io.ktor.client.request.HttpRequestBuilder
import io.ktor.client.request.header
import io.ktor.client.request.prepareRequest
import io.ktor.client.request.setBody
import io.ktor.client.statement.HttpResponse
import io.ktor.client.statement.bodyAsChannel
import io.ktor.http.HttpHeaders
import io.ktor.http.HttpMethod
import io.ktor.http.content.OutgoingContent
import io.ktor.http.isSuccess
import io.ktor.utils.io.ByteWriteChannel
import io.ktor.utils.io.readAvailable
import io.ktor.utils.io.readRemaining
import io.ktor.utils.io.writeFully
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.withTimeoutOrNull
import kotlinx.io.readByteArray
import java.io.IOException

/** What the server answered for a PUT / GET / REMOVE: where to send the request, and with which headers. */
internal class StagingTicket(val operation: String, val url: String, val headers: Map<String, String>, val statementId: String) {
    override fun toString(): String = "StagingTicket($operation, ${redact(url)}, headers=${headers.keys})"
}

/** [url] without query or fragment (a presigned URL's signature lives there). */
internal fun redact(url: String): String = url.substringBefore('?').substringBefore('#')

/** Bytes to upload, written into the request body by [writeTo] through one reused buffer. */
internal interface UploadSource {
    /** Size in bytes when known (sent as `Content-Length`; otherwise the body is chunked). */
    val length: Long?

    /** Writes every byte to [channel]; calls [counted] after each piece with the bytes it held. */
    suspend fun writeTo(channel: ByteWriteChannel, counted: (Int) -> Unit)
}

/**
 * HTTP against presigned URLs with the download client (which never carries the workspace
 * `Authorization`); a header of that name from the server is dropped as well. Streams both ways
 * through one buffer of [VolumeOptions.bufferBytes]; error bodies are read up to 4 KiB. [http] gives
 * the download transport for a storage host (its proxy, CA and timeouts).
 */
internal class Transfers(private val http: (host: String) -> HttpClient, private val options: VolumeOptions) {

    suspend fun upload(ticket: StagingTicket, source: UploadSource, progress: VolumeProgress) {
        val total = source.length
        if (total != null && total > options.maxTransferBytes) {
            throw VolumeTransferException("the upload of $total bytes exceeds VolumeOptions.maxTransferBytes (${options.maxTransferBytes})", null, statementId = ticket.statementId)
        }
        send(ticket, HttpMethod.Put, {
            setBody(object : OutgoingContent.WriteChannelContent() {
                override val contentLength: Long? = total
                override suspend fun writeTo(channel: ByteWriteChannel) {
                    var sent = 0L
                    source.writeTo(channel) { n ->
                        sent += n
                        if (sent > options.maxTransferBytes) throw IOException("the upload exceeds VolumeOptions.maxTransferBytes (${options.maxTransferBytes})")
                        if (total != null && sent > total) throw IOException("the source holds more than its declared $total bytes")
                        progress.onProgress(sent, total)
                    }
                    if (total != null && sent != total) throw IOException("the source ended after $sent of its declared $total bytes")
                }
            })
        }) { }
    }

    /** Downloads into [sink] (called with the shared buffer and a byte count; it must copy what it keeps). */
    suspend fun download(ticket: StagingTicket, progress: VolumeProgress, sink: suspend (ByteArray, Int) -> Unit) {
        send(ticket, HttpMethod.Get, {}) { response ->
            val declared = response.headers[HttpHeaders.ContentLength]?.toLongOrNull()
            if (declared != null && declared > options.maxTransferBytes) {
                throw VolumeTransferException("the file (${declared} bytes) exceeds VolumeOptions.maxTransferBytes (${options.maxTransferBytes})", response.status.value, statementId = ticket.statementId)
            }
            val channel = response.bodyAsChannel()
            val buffer = ByteArray(options.bufferBytes)
            var received = 0L
            while (true) {
                val n = withTimeoutOrNull(options.idleTimeout) { channel.readAvailable(buffer, 0, buffer.size) }
                    ?: throw IOException("no bytes for ${options.idleTimeout} (VolumeOptions.idleTimeout)")
                if (n < 0) break
                received += n
                if (received > options.maxTransferBytes) {
                    throw VolumeTransferException("the file exceeds VolumeOptions.maxTransferBytes (${options.maxTransferBytes})", response.status.value, statementId = ticket.statementId)
                }
                sink(buffer, n)
                progress.onProgress(received, declared)
            }
            if (declared != null && received != declared) throw IOException("the body ended after $received of $declared bytes")
        }
    }

    suspend fun delete(ticket: StagingTicket) {
        send(ticket, HttpMethod.Delete, {}) { }
    }

    private suspend fun send(
        ticket: StagingTicket,
        method: HttpMethod,
        configure: HttpRequestBuilder.() -> Unit,
        onSuccess: suspend (HttpResponse) -> Unit,
    ) {
        val where = "${method.value} ${redact(ticket.url)}"
        try {
            withTimeoutOrNull(options.transferTimeout) {
                http(io.ktor.http.Url(ticket.url).host).prepareRequest(ticket.url) {
                    this.method = method
                    for ((name, value) in ticket.headers) {
                        if (!name.equals(HttpHeaders.Authorization, ignoreCase = true)) header(name, value)
                    }
                    timeout {
                        requestTimeoutMillis = options.transferTimeout.inWholeMilliseconds
                        socketTimeoutMillis = options.idleTimeout.inWholeMilliseconds
                    }
                    configure()
                }.execute { response ->
                    if (!response.status.isSuccess()) throw failure(where, response, ticket.statementId)
                    onSuccess(response)
                }
                Unit
            } ?: throw VolumeConnectionException("$where did not finish within VolumeOptions.transferTimeout (${options.transferTimeout})", null)
        } catch (e: CancellationException) {
            throw e
        } catch (e: VolumeTransferException) {
            throw e
        } catch (e: LocalPathNotAllowedException) {
            throw e
        } catch (e: IOException) {
            throw VolumeConnectionException("$where failed: ${e.message?.let(::redactText)}", null)
        }
    }

    private suspend fun failure(where: String, response: HttpResponse, statementId: String): VolumeTransferException {
        val body = runCatching {
            withTimeoutOrNull(options.idleTimeout) { response.bodyAsChannel().readRemaining(ERROR_BODY_BYTES).readByteArray().decodeToString() }
        }.getOrNull().orEmpty()
        val status = response.status.value
        val detail = body.replace(Regex("\\s+"), " ").take(500).let(::redactText)
        return if (status == 403 && body.contains("expired", ignoreCase = true)) {
            PresignedUrlExpiredException("$where: the presigned URL has expired (HTTP 403: $detail)", status, statementId)
        } else {
            VolumeTransferException("$where failed with HTTP $status: $detail", status, statementId = statementId)
        }
    }

    private companion object {
        const val ERROR_BODY_BYTES = 4096L

        /** Removes anything that looks like a URL query from text that may quote one. */
        fun redactText(text: String): String = text.replace(Regex("(https?://[^\\s?\"'<>]*)\\?[^\\s\"'<>]*"), "$1?***")
    }
}
