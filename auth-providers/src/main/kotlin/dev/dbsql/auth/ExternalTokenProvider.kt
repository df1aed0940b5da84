package dev.dbsql.auth

import dev.dbsql.auth.internal.IssuedToken
import dev.dbsql.auth.internal.ProviderResources
import dev.dbsql.auth.internal.TokenCache
import java.time.Clock

/**
 * Tokens from a caller-supplied [callback] (a secrets manager, a token broker, another SDK).
 *
 * The callback runs on the provider's own scope (threads of `Dispatchers.Default`), one call at a
 * time: concurrent callers share it. A token with [AccessToken.expiresAt] is reused until it turns
 * stale ([RefreshPolicy]), then refreshed in the background; a token without an expiry is reused
 * until [invalidate] (the server refused it), after which the callback is called again.
 * Cancelling a caller cancels only its wait; [close] cancels a callback in flight.
 */
public class ExternalTokenProvider(
    override val name: String = "external",
    clock: Clock = Clock.systemUTC(),
    refreshPolicy: RefreshPolicy = RefreshPolicy(),
    private val callback: suspend () -> AccessToken,
) : CredentialsProvider, AutoCloseable {
    private val resources = ProviderResources(name, callerClient = null, withHttp = false)
    private val cache = TokenCache(name, resources.scope, clock, refreshPolicy) {
        val issuedAt = clock.instant()
        val token = try {
            callback()
        } catch (e: CredentialsException) {
            throw e
        } catch (e: kotlin.coroutines.cancellation.CancellationException) {
            throw e
        } catch (e: Exception) {
            throw CredentialsException("token callback '$name' failed: ${e.message ?: e.javaClass.simpleName}", e)
        }
        if (token.value.isEmpty()) throw CredentialsException("token callback '$name' returned an empty token")
        IssuedToken(token, null, issuedAt)
    }

    override suspend fun token(): AccessToken = cache.get()

    override suspend fun invalidate(token: AccessToken): Unit = cache.invalidate(token)

    override fun close() {
        cache.close()
        resources.close()
    }

    override fun toString(): String = "ExternalTokenProvider(name=$name)"

    public companion object {
        /** A provider over a callback that returns a bare token value (no known expiry). */
        public fun ofString(name: String = "external", callback: suspend () -> String): ExternalTokenProvider =
            ExternalTokenProvider(name) { AccessToken(callback()) }
    }
}
