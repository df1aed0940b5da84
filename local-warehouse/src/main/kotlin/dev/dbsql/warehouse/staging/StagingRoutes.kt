package dev.dbsql.warehouse.staging

import dev.dbsql.warehouse.http.WarehouseServices
import dev.dbsql.warehouse.http.handle
import dev.dbsql.warehouse.http.respondStream
import io.ktor.http.ContentType
import io.ktor.http.HttpHeaders
import io.ktor.http.HttpStatusCode
import io.ktor.server.application.ApplicationCall
import io.ktor.server.request.receiveChannel
import io.ktor.server.response.respond
import io.ktor.server.response.respondText
import io.ktor.server.routing.Route
import io.ktor.server.routing.delete
import io.ktor.server.routing.get
import io.ktor.server.routing.put
import io.ktor.utils.io.readAvailable
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeoutOrNull
import java.io.IOException
import java.nio.file.FileAlreadyExistsException
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.StandardCopyOption
import java.nio.file.StandardOpenOption
import java.util.UUID

/**
 * The "object store" behind staging operations: `PUT` / `GET` / `DELETE`
 * `/files/volumes/{put|get|remove}?path=…&overwrite=…&expires=…&signature=…`. Like a presigned
 * S3 URL it needs no bearer token and refuses one (403); refuses a bad signature, a past expiry or
 * a missing [StagingUrls.HEADER] (403); refuses an upload larger than
 * [VolumeSettings.maxFileBytes] (413, nothing kept). Uploads stream to a temporary file next to the
 * target and replace it only when complete; downloads stream with `Content-Length`.
 */
internal fun Route.stagingRoutes(services: WarehouseServices, store: VolumeStore, urls: StagingUrls) {
    put("${StagingUrls.PATH_PREFIX}/put") {
        call.staged(services, store, urls, StagingOp.PUT) { file, overwrite -> call.upload(store, file, overwrite) }
    }
    get("${StagingUrls.PATH_PREFIX}/get") {
        call.staged(services, store, urls, StagingOp.GET) { file, _ ->
            if (!Files.isRegularFile(file)) return@staged call.s3Error(HttpStatusCode.NotFound, "NoSuchKey", "The specified key does not exist.")
            val size = withContext(Dispatchers.IO) { Files.size(file) }
            call.respondStream(size, ContentType.Application.OctetStream, null) { Files.newInputStream(file) }
        }
    }
    delete("${StagingUrls.PATH_PREFIX}/remove") {
        call.staged(services, store, urls, StagingOp.REMOVE) { file, _ ->
            val deleted = withContext(Dispatchers.IO) { Files.isRegularFile(file) && Files.deleteIfExists(file) }
            if (!deleted) return@staged call.s3Error(HttpStatusCode.NotFound, "NoSuchKey", "The specified key does not exist.")
            call.respond(HttpStatusCode.NoContent)
        }
    }
}

private suspend fun ApplicationCall.staged(
    services: WarehouseServices,
    store: VolumeStore,
    urls: StagingUrls,
    op: StagingOp,
    block: suspend (Path, Boolean) -> Unit,
) = handle(services, null, authenticated = false) {
    if (request.headers.contains(HttpHeaders.Authorization)) {
        return@handle s3Error(
            HttpStatusCode.Forbidden, "AccessDenied",
            "Staging URLs are presigned: requests must not carry an Authorization header.",
        )
    }
    val q = request.queryParameters
    val path = q["path"]
    val overwrite = q["overwrite"] == "1"
    val expires = q["expires"]?.toLongOrNull()
    val signature = q["signature"]
    if (path == null || expires == null || signature == null || !urls.verify(op, path, overwrite, expires, signature)) {
        return@handle s3Error(
            HttpStatusCode.Forbidden, "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided.",
        )
    }
    if (urls.expired(expires)) return@handle s3Error(HttpStatusCode.Forbidden, "AccessDenied", "Request has expired")
    if (request.headers[StagingUrls.HEADER] != StagingUrls.HEADER_VALUE) {
        return@handle s3Error(HttpStatusCode.Forbidden, "AccessDenied", "The request must carry the URL's headers (${StagingUrls.HEADER}).")
    }
    val file = try {
        store.resolve(path)
    } catch (e: Exception) {
        return@handle s3Error(HttpStatusCode.BadRequest, "InvalidArgument", "Invalid volume path.")
    }
    block(file, overwrite)
}

private suspend fun ApplicationCall.upload(store: VolumeStore, file: Path, overwrite: Boolean) {
    val max = store.settings.maxFileBytes
    val declared = request.headers[HttpHeaders.ContentLength]?.trim()?.toLongOrNull()
    if (declared != null && declared > max) return tooLarge(max)
    val channel = receiveChannel()
    val temp = withContext(Dispatchers.IO) {
        Files.createDirectories(file.parent)
        file.resolveSibling(VolumeStore.TEMP_PREFIX + UUID.randomUUID())
    }
    var kept = false
    try {
        var total = 0L
        val buffer = ByteArray(64 * 1024)
        withContext(Dispatchers.IO) {
            Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).use { out ->
                while (true) {
                    val n = withTimeoutOrNull(IDLE_MILLIS) { channel.readAvailable(buffer, 0, buffer.size) }
                        ?: throw IOException("upload stalled: no bytes for $IDLE_MILLIS ms")
                    if (n < 0) break
                    total += n
                    if (total > max) break
                    out.write(buffer, 0, n)
                }
            }
        }
        if (total > max) return tooLarge(max)
        if (declared != null && total != declared) {
            return s3Error(HttpStatusCode.BadRequest, "IncompleteBody", "The body ended after $total of $declared bytes.")
        }
        val moved = withContext(Dispatchers.IO) {
            try {
                if (overwrite) {
                    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING)
                } else {
                    Files.createLink(file, temp) // fails when the file appeared meanwhile
                    Files.delete(temp)
                }
                true
            } catch (_: FileAlreadyExistsException) {
                false
            }
        }
        if (!moved) return s3Error(HttpStatusCode.PreconditionFailed, "PreconditionFailed", "The file already exists.")
        kept = true
        respond(HttpStatusCode.OK)
    } finally {
        if (!kept) withContext(Dispatchers.IO) { runCatching { Files.deleteIfExists(temp) } }
    }
}

private suspend fun ApplicationCall.tooLarge(max: Long) {
    response.headers.append(HttpHeaders.Connection, "close")
    s3Error(HttpStatusCode.PayloadTooLarge, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size ($max bytes).")
}

/** An S3-style XML error body. */
private suspend fun ApplicationCall.s3Error(status: HttpStatusCode, code: String, message: String) {
    respondText(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>$code</Code><Message>$message</Message></Error>",
        ContentType.Application.Xml,
        status,
    )
}

private const val IDLE_MILLIS = 30_000L
