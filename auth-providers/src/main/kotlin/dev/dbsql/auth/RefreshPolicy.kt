package dev.dbsql.auth

import java.time.Duration

/**
 * When a cached OAuth token counts as *stale*: inside the last [windowFraction] of its lifetime,
 * capped at [maxWindow]. A stale token is still returned while one background refresh runs; an
 * expired one makes callers wait for a single shared refresh.
 *
 * @property failedRefreshBackoff after a failed background refresh, the next one starts no sooner
 *   than this (or half the remaining lifetime, whichever is shorter).
 */
public data class RefreshPolicy(
    val windowFraction: Double = 0.10,
    val maxWindow: Duration = Duration.ofMinutes(5),
    val failedRefreshBackoff: Duration = Duration.ofSeconds(10),
) {
    init {
        require(windowFraction in 0.0..1.0) { "windowFraction must be in 0..1" }
        require(!maxWindow.isNegative) { "maxWindow must not be negative" }
        require(!failedRefreshBackoff.isNegative) { "failedRefreshBackoff must not be negative" }
    }

    /** The stale window for a token that lives [lifetime]. */
    public fun window(lifetime: Duration): Duration {
        val fraction = Duration.ofNanos((lifetime.toNanos() * windowFraction).toLong())
        return if (fraction > maxWindow) maxWindow else fraction
    }
}
