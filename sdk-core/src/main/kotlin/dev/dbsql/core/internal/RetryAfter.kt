package dev.dbsql.core.internal

import java.time.Instant
import java.time.ZonedDateTime
import java.time.format.DateTimeFormatter
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/** Parses a `Retry-After` header: delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
internal object RetryAfter {
    fun parse(value: String?, now: Instant = Instant.now()): Duration? {
        val v = value?.trim()?.takeIf { it.isNotEmpty() } ?: return null
        v.toLongOrNull()?.let { return if (it >= 0) it.seconds else null }
        return runCatching {
            val at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant()
            (at.toEpochMilli() - now.toEpochMilli()).coerceAtLeast(0).milliseconds
        }.getOrNull()
    }
}
