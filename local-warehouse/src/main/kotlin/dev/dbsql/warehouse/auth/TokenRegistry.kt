package dev.dbsql.warehouse.auth

import java.time.Clock
import java.time.Duration
import java.time.Instant
import java.util.concurrent.ConcurrentHashMap

/** What the warehouse thinks of a bearer token. */
sealed interface TokenCheck {
    data class Valid(val subject: String) : TokenCheck
    data object Expired : TokenCheck
    data object Unknown : TokenCheck
}

/**
 * Every bearer token the warehouse accepts: personal access tokens added at start-up and access
 * tokens issued by its OAuth endpoints (each with an expiry). Thread-safe.
 */
class TokenRegistry(private val clock: Clock = Clock.systemUTC()) {
    private class Entry(val subject: String, val expiresAt: Instant?)

    private val tokens = ConcurrentHashMap<String, Entry>()

    /** Adds a token that never expires (a PAT). */
    fun addStatic(token: String, subject: String = "pat-user") {
        tokens[token] = Entry(subject, null)
    }

    /** Adds a token that expires after [lifetime]. */
    fun addExpiring(token: String, subject: String, lifetime: Duration) {
        tokens[token] = Entry(subject, clock.instant().plus(lifetime))
    }

    fun revoke(token: String) {
        tokens.remove(token)
    }

    fun check(token: String): TokenCheck {
        val entry = tokens[token] ?: return TokenCheck.Unknown
        val expiry = entry.expiresAt
        return if (expiry != null && !clock.instant().isBefore(expiry)) TokenCheck.Expired else TokenCheck.Valid(entry.subject)
    }
}
