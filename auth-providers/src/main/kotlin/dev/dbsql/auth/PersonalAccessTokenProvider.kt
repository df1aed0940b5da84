package dev.dbsql.auth

import java.util.concurrent.atomic.AtomicReference

/**
 * A personal access token, replaceable at run time with [update] (for rotation without a restart).
 * Thread-safe: calls in flight keep the token they read; later calls see the new one.
 */
public class PersonalAccessTokenProvider(token: String) : CredentialsProvider {
    private val current = AtomicReference(checked(token))

    override val name: String get() = "pat"

    override suspend fun token(): AccessToken = AccessToken(current.get())

    /** Replaces the token for every call that starts after this returns. */
    public fun update(newToken: String) {
        current.set(checked(newToken))
    }

    override fun toString(): String = "PersonalAccessTokenProvider(token=***)"

    private companion object {
        fun checked(token: String): String {
            require(token.isNotBlank()) { "personal access token must not be blank" }
            return token
        }
    }
}
