package dev.dbsql.auth.internal

import dev.dbsql.auth.AccessToken
import dev.dbsql.auth.CredentialsException
import dev.dbsql.auth.RefreshPolicy
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Deferred
import kotlinx.coroutines.Job
import kotlinx.coroutines.async
import org.slf4j.LoggerFactory
import java.time.Clock
import java.time.Duration
import java.time.Instant
import kotlin.coroutines.cancellation.CancellationException
import kotlin.coroutines.coroutineContext

/** A token as issued, with what a refresh needs. `toString` shows no secret. */
internal class IssuedToken(
    val access: AccessToken,
    val refreshToken: String? = null,
    val issuedAt: Instant,
) {
    override fun toString(): String =
        "IssuedToken(expiresAt=${access.expiresAt}, refreshToken=${if (refreshToken == null) "none" else "***"})"
}

internal enum class TokenState { FRESH, STALE, EXPIRED }

/**
 * The token cache shared by the refreshing providers. Three states:
 * - fresh: returned as is;
 * - stale (inside [RefreshPolicy.window] before expiry): returned, and one background refresh starts;
 *   a failed background refresh is logged and does not fail callers while the token is valid;
 * - expired, invalidated or absent: callers wait for one shared refresh (N callers, 1 request).
 *
 * Refreshes run in [scope] (owned by the provider), so cancelling a waiting caller cancels only its
 * wait. [fetch] receives the previous token (for its refresh token) and must return a usable one.
 * Tokens without an expiry stay fresh until invalidated.
 */
internal class TokenCache(
    private val name: String,
    private val scope: CoroutineScope,
    private val clock: Clock,
    private val policy: RefreshPolicy,
    private val fetch: suspend (previous: IssuedToken?) -> IssuedToken,
) {
    private val lock = Any()
    private var current: IssuedToken? = null
    private var invalidated = false
    private var inflight: Deferred<IssuedToken>? = null
    private var inflightIsBackground = false
    private var backgroundNotBefore: Instant? = null

    @Volatile
    private var closed = false

    /** The token to use now; suspends only when no valid token is cached. */
    suspend fun get(): AccessToken {
        val waitFor: Deferred<IssuedToken> = synchronized(lock) {
            check(!closed) { "credentials provider '$name' is closed" }
            val now = clock.instant()
            val cur = current
            when (stateOf(cur, now)) {
                TokenState.FRESH -> return cur!!.access
                TokenState.STALE -> {
                    val notBefore = backgroundNotBefore
                    if (inflight == null && (notBefore == null || !now.isBefore(notBefore))) startRefresh(cur, true)
                    return cur!!.access
                }
                TokenState.EXPIRED -> inflight?.also { inflightIsBackground = false } ?: startRefresh(cur, false)
            }
        }
        return waitFor.await().access
    }

    /** Forgets [token] if it is the cached one, so the next [get] fetches a new one. */
    fun invalidate(token: AccessToken) {
        synchronized(lock) {
            if (current?.access?.value == token.value) invalidated = true
        }
    }

    /** The state of the cached token now (for tests and diagnostics). */
    fun state(): TokenState = synchronized(lock) { stateOf(current, clock.instant()) }

    fun close() {
        closed = true
    }

    private fun stateOf(token: IssuedToken?, now: Instant): TokenState {
        if (token == null || invalidated) return TokenState.EXPIRED
        val expiresAt = token.access.expiresAt ?: return TokenState.FRESH
        if (!now.isBefore(expiresAt)) return TokenState.EXPIRED
        val lifetime = Duration.between(token.issuedAt, expiresAt)
        return if (!now.isBefore(expiresAt.minus(policy.window(lifetime)))) TokenState.STALE else TokenState.FRESH
    }

    /** Called under [lock]. */
    private fun startRefresh(previous: IssuedToken?, background: Boolean): Deferred<IssuedToken> {
        inflightIsBackground = background
        val deferred = scope.async(start = CoroutineStart.LAZY) { refresh(previous) }
        inflight = deferred
        deferred.start()
        return deferred
    }

    private suspend fun refresh(previous: IssuedToken?): IssuedToken {
        val self = coroutineContext[Job]
        try {
            log.debug("{}: requesting a token", name)
            val fresh = fetch(previous)
            synchronized(lock) {
                current = fresh
                invalidated = false
                backgroundNotBefore = null
                if (inflight === self) inflight = null
            }
            return fresh
        } catch (e: Throwable) {
            synchronized(lock) {
                if (inflight === self) {
                    inflight = null
                    if (inflightIsBackground && e !is CancellationException) {
                        backgroundNotBefore = clock.instant().plus(backoff(previous))
                        log.warn("{}: background token refresh failed; the current token stays in use: {}", name, e.toString())
                    }
                }
            }
            if (e is CancellationException && closed) throw CredentialsException("credentials provider '$name' was closed")
            throw e
        }
    }

    private fun backoff(previous: IssuedToken?): Duration {
        val expiresAt = previous?.access?.expiresAt ?: return policy.failedRefreshBackoff
        val half = Duration.between(clock.instant(), expiresAt).dividedBy(2)
        return if (half < policy.failedRefreshBackoff && !half.isNegative) half else policy.failedRefreshBackoff
    }

    private companion object {
        val log = LoggerFactory.getLogger(TokenCache::class.java)
    }
}
