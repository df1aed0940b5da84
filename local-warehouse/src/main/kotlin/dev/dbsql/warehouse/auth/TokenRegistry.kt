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
 * tokens issued by its OAuth endpoints (each with an expiry). Each token has a subject; statements
 * and sessions are visible only to tokens of the subject that created them. Thread-safe.
 */
class TokenRegistry(private val clock: Clock = Clock.systemUTC()) {
    companion object {
        /** The subject of the warehouse's own PAT, and of tokens added with [addStatic] unless told otherwise. */
        const val PAT_SUBJECT: String = "local-warehouse-pat"
    }

    private class Entry(val subject: String, val expiresAt: Instant?)

    private val tokens = ConcurrentHashMap<String, Entry>()

    /** Adds a token that never expires (a PAT); by default another PAT of the warehouse's own user. */
    fun addStatic(token: String, subject: String = PAT_SUBJECT) {
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
