package dev.dbsql.warehouse.http

import dev.dbsql.warehouse.faults.Endpoint
import dev.dbsql.warehouse.links.LinkIssuer
import dev.dbsql.warehouse.links.LinkSigner
import dev.dbsql.warehouse.statements.StatementState
import io.ktor.http.ContentType
import io.ktor.http.HttpHeaders
import io.ktor.http.HttpStatusCode
import io.ktor.server.application.ApplicationCall
import io.ktor.server.response.respondText
import io.ktor.server.routing.Route
import io.ktor.server.routing.get
import java.security.MessageDigest

/**
 * The "object store" behind external links: `GET /files/results/{id}/{index}?expires=…&signature=…`.
 * Like a presigned S3 URL it needs no bearer token and refuses one (403), refuses a bad signature
 * or a past expiry (403), refuses a missing required `http_headers` pair (403), answers 404 once
 * the result is gone, and otherwise streams the stored chunk with `Content-Length`. A stray
 * `Content-Encoding` request header is ignored.
 */
internal fun Route.downloadRoutes(services: WarehouseServices) {
    get("${LinkIssuer.PATH_PREFIX}/{id}/{index}") {
        call.handle(services, Endpoint.DOWNLOAD, authenticated = false) { decision ->
            val id = call.parameters["id"]!!
            val index = call.parameters["index"]?.toIntOrNull() ?: return@handle call.s3Error(HttpStatusCode.NotFound, "NoSuchKey", "The specified key does not exist.")
            if (call.request.headers.contains(HttpHeaders.Authorization)) {
                return@handle call.s3Error(
                    HttpStatusCode.Forbidden, "AccessDenied",
                    "Result links are presigned: requests must not carry an Authorization header.",
                )
            }
            val expires = call.request.queryParameters["expires"]?.toLongOrNull()
            val signature = call.request.queryParameters["signature"]
            if (expires == null || signature == null || !services.signer.verify(id, index, expires, signature)) {
                return@handle call.s3Error(
                    HttpStatusCode.Forbidden, "SignatureDoesNotMatch",
                    "The request signature we calculated does not match the signature you provided.",
                )
            }
            if (services.clock.millis() >= expires) {
                return@handle call.s3Error(HttpStatusCode.Forbidden, "AccessDenied", "Request has expired")
            }
            if (services.config.linkHeaders && !call.hasLinkHeaders(services.signer, id, index)) {
                return@handle call.s3Error(
                    HttpStatusCode.Forbidden, "AccessDenied",
                    "The request must carry the link's http_headers (${LinkSigner.KEY_HEADER}, ${LinkSigner.ALGORITHM_HEADER}).",
                )
            }
            val statement = runCatching { services.statements.get(id, owner = null) }.getOrNull()
            val holder = statement?.snapshot()?.takeIf { it.state == StatementState.SUCCEEDED }?.holder
            if (holder == null || !holder.acquire()) {
                return@handle call.s3Error(HttpStatusCode.NotFound, "NoSuchKey", "The specified key does not exist.")
            }
            try {
                val chunk = holder.result.chunks.getOrNull(index)
                    ?: return@handle call.s3Error(HttpStatusCode.NotFound, "NoSuchKey", "The specified key does not exist.")
                call.respondStream(chunk.storedByteCount, ContentType.Application.OctetStream, decision.body) {
                    holder.result.openChunk(index)
                }
            } finally {
                holder.release()
            }
        }
    }
}

private fun ApplicationCall.hasLinkHeaders(signer: LinkSigner, id: String, index: Int): Boolean {
    val key = request.headers[LinkSigner.KEY_HEADER] ?: return false
    val algorithm = request.headers[LinkSigner.ALGORITHM_HEADER] ?: return false
    return algorithm == LinkSigner.ALGORITHM &&
        MessageDigest.isEqual(key.toByteArray(), signer.headerKey(id, index).toByteArray())
}

/** An S3-style XML error body. */
private suspend fun ApplicationCall.s3Error(status: HttpStatusCode, code: String, message: String) {
    respondText(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>$code</Code><Message>$message</Message></Error>",
        ContentType.Application.Xml,
        status,
    )
}
