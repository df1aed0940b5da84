package dev.dbsql.auth

import java.time.Instant

/**
 * A bearer token for the workspace API. [toString] never shows the value.
 *
 * @property expiresAt when the token stops working, or null when unknown / never.
 */
public class AccessToken(public val value: String, public val expiresAt: Instant? = null) {
    override fun toString(): String = "AccessToken(value=***, expiresAt=$expiresAt)"

    override fun equals(other: Any?): Boolean =
        other is AccessToken && other.value == value && other.expiresAt == expiresAt

    override fun hashCode(): Int = value.hashCode() * 31 + (expiresAt?.hashCode() ?: 0)
}

/**
 * Supplies the bearer token that every API call carries.
 *
 * Implementations are thread-safe and may be called from any coroutine at once. [token] may
 * suspend (a token request over the network, a browser login); cancelling the caller cancels its
 * wait, not a refresh other callers share. Refreshing providers run that work on a scope they own
 * and are [AutoCloseable]; whoever creates a provider closes it (the SDK never closes a provider it
 * did not create).
 *
 * Implementations: [PersonalAccessTokenProvider], [OAuthM2MProvider], [OAuthU2MProvider],
 * [DatabricksCliProvider], [OidcTokenExchangeProvider],
 * [ExternalTokenProvider], [DefaultChainProvider] / [ChainCredentialsProvider]; [CredentialsFactory]
 * builds them from an [AuthConfig].
 */
public interface CredentialsProvider {
    /** A short, stable name for error messages and the User-Agent, e.g. `pat` or `oauth-m2m`. */
    public val name: String

    /** The token to send now. */
    public suspend fun token(): AccessToken

    /**
     * Tells the provider the server refused [token] (HTTP 401); the next [token] call fetches a new
     * one if the provider can (OAuth providers and callbacks do; a fixed token cannot). Invalidating
     * a token that is no longer the current one does nothing, so N callers reporting the same
     * refused token cause one refresh. The default does nothing.
     */
    public suspend fun invalidate(token: AccessToken) {}
}
