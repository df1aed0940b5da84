package dev.dbsql.warehouse.links

import dev.dbsql.warehouse.api.ExternalLink
import dev.dbsql.warehouse.engine.StoredChunk
import java.time.Clock
import java.time.Duration
import java.time.Instant
import java.time.ZoneOffset
import java.time.format.DateTimeFormatter
import java.time.temporal.ChronoUnit

/**
 * Builds `external_links` entries: signed URLs on this server's `/files/...` path that expire after
 * the configured lifetime (or, for fault injection, after [issue]'s `expiresInMillis`).
 */
internal class LinkIssuer(
    private val signer: LinkSigner,
    private val lifetime: Duration,
    private val withHeaders: Boolean,
    private val clock: Clock,
    private val baseUrl: () -> String,
) {
    /**
     * A link for [chunk] of [statementId]; [nextIndex] is the following chunk (null on the last one);
     * [expiresInMillis] overrides the lifetime (0 or negative: already expired).
     */
    fun issue(statementId: String, chunk: StoredChunk, nextIndex: Int?, expiresInMillis: Long? = null): ExternalLink {
        val now = clock.instant()
        val expiresAt = (if (expiresInMillis != null) now.plusMillis(expiresInMillis) else now.plus(lifetime))
            .truncatedTo(ChronoUnit.MILLIS)
        val millis = expiresAt.toEpochMilli()
        val signature = signer.signature(statementId, chunk.index, millis)
        val headers = if (withHeaders) {
            mapOf(
                LinkSigner.KEY_HEADER to signer.headerKey(statementId, chunk.index),
                LinkSigner.ALGORITHM_HEADER to LinkSigner.ALGORITHM,
            )
        } else {
            null
        }
        return ExternalLink(
            chunkIndex = chunk.index,
            rowOffset = chunk.rowOffset,
            rowCount = chunk.rowCount,
            byteCount = chunk.storedByteCount,
            externalLink = "${baseUrl()}$PATH_PREFIX/$statementId/${chunk.index}?expires=$millis&signature=$signature",
            expiration = formatExpiration(expiresAt),
            httpHeaders = headers,
            nextChunkIndex = nextIndex,
            nextChunkInternalLink = nextIndex?.let { internalChunkLink(statementId, it) },
        )
    }

    companion object {
        const val PATH_PREFIX = "/files/results"

        private val EXPIRATION = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC)

        /** ISO-8601 UTC with milliseconds and `Z`, e.g. `2025-03-10T19:01:07.305Z`. */
        fun formatExpiration(at: Instant): String = EXPIRATION.format(at)

        fun internalChunkLink(statementId: String, index: Int): String =
            "/api/2.0/sql/statements/$statementId/result/chunks/$index"
    }
}
