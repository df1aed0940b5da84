package dev.dbsql.warehouse.oauth

import dev.dbsql.warehouse.auth.TokenRegistry
import io.ktor.http.Parameters
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.put
import java.time.Clock
import java.time.Instant
import java.util.Base64
import java.util.concurrent.ConcurrentHashMap

/** An authorization code waiting to be redeemed (single use). */
internal class PendingCode(
    val clientId: String,
    val redirectUri: String,
    val challenge: String,
    val scope: String,
    val expiresAt: Instant,
)

private class RefreshGrant(val clientId: String, val scope: String, val subject: String, val expiresAt: Instant)

/** The client that authenticated a token request; [secretChecked] is false for a public client. */
private class Client(val id: String, val secretChecked: Boolean)

/**
 * The token endpoint's logic (RFC 6749 §4.1.3, §4.4, §6; RFC 7636 §4.6), independent of HTTP:
 * [token] turns form fields and the `Authorization` header into a token response or an [OAuthError].
 * Codes are single use; refresh tokens rotate on every use. Thread-safe.
 */
internal class OAuthGrants(
    private val registry: TokenRegistry,
    private val settings: OAuthSettings,
    private val clock: Clock,
    private val counters: OAuthCounters,
) {
    private val codes = ConcurrentHashMap<String, PendingCode>()
    private val refreshTokens = ConcurrentHashMap<String, RefreshGrant>()

    fun addCode(code: PendingCode): String = OAuthValues.randomToken("dbsqlc_").also { codes[it] = code }

    fun token(form: Parameters, authorization: String?, tokenEndpoint: String): JsonObject {
        if (form["grant_type"] == TokenFederation.GRANT_TYPE) return tokenExchange(form, authorization, tokenEndpoint)
        val client = authenticate(form, authorization)
        return when (val grant = form["grant_type"]) {
            "client_credentials" -> clientCredentials(client, form)
            "authorization_code" -> authorizationCode(client, form)
            "refresh_token" -> refresh(client, form)
            null, "" -> throw badRequest("invalid_request", "grant_type is required")
            else -> throw badRequest("unsupported_grant_type", "grant_type '$grant' is not supported")
        }
    }

    /**
     * RFC 8693 token exchange of a federated ID token (workload identity federation). The client is
     * identified by `client_id` alone (no secret, no Basic); without one the exchange is
     * account-wide and the token's `sub` becomes the subject.
     */
    private fun tokenExchange(form: Parameters, authorization: String?, tokenEndpoint: String): JsonObject {
        val federation = settings.federation
            ?: throw badRequest("unsupported_grant_type", "token exchange is not enabled on this server")
        if (authorization != null || form["client_secret"] != null) {
            throw badRequest("invalid_request", "a token exchange is not authenticated with a client secret")
        }
        if (form["subject_token_type"] != TokenFederation.JWT_TOKEN_TYPE) {
            throw badRequest("invalid_request", "subject_token_type must be ${TokenFederation.JWT_TOKEN_TYPE}")
        }
        val subjectToken = form.required("subject_token")
        val clientId = form["client_id"]?.takeIf { it.isNotEmpty() }
        if (clientId != null && clientId !in settings.clients) throw OAuthError(401, "invalid_client", "unknown client '$clientId'")
        val sub = federation.verify(subjectToken, listOf(tokenEndpoint), clock.instant())
        val scope = checkedScope(form["scope"], default = "all-apis")
        return issue(TokenFederation.GRANT_TYPE, clientId ?: "", scope, subject = clientId ?: sub, refresh = false)
    }

    private fun clientCredentials(client: Client, form: Parameters): JsonObject {
        if (!client.secretChecked) {
            throw badRequest("unauthorized_client", "client '${client.id}' is public and cannot use client_credentials")
        }
        val scope = checkedScope(form["scope"], default = "all-apis")
        return issue("client_credentials", client.id, scope, subject = client.id, refresh = false)
    }

    private fun authorizationCode(client: Client, form: Parameters): JsonObject {
        val codeValue = form.required("code")
        val redirectUri = form.required("redirect_uri")
        val verifier = form.required("code_verifier")
        val code = codes.remove(codeValue) ?: throw badRequest("invalid_grant", "unknown or already used authorization code")
        when {
            !clock.instant().isBefore(code.expiresAt) -> throw badRequest("invalid_grant", "the authorization code has expired")
            code.clientId != client.id -> throw badRequest("invalid_grant", "the authorization code was issued to another client")
            code.redirectUri != redirectUri -> throw badRequest("invalid_grant", "redirect_uri differs from the one of the authorization request")
            !OAuthValues.isValidVerifier(verifier) -> throw badRequest("invalid_request", "code_verifier must be 43 to 128 unreserved characters")
            !OAuthValues.constantTimeEquals(OAuthValues.s256(verifier), code.challenge) ->
                throw badRequest("invalid_grant", "PKCE verification failed: code_verifier does not match the code_challenge")
        }
        return issue("authorization_code", client.id, code.scope, settings.userName, refresh = "offline_access" in code.scope.split(' '))
    }

    private fun refresh(client: Client, form: Parameters): JsonObject {
        val token = form.required("refresh_token")
        val grant = refreshTokens.remove(token) ?: throw badRequest("invalid_grant", "unknown, used or revoked refresh token")
        if (grant.clientId != client.id) throw badRequest("invalid_grant", "the refresh token was issued to another client")
        if (!clock.instant().isBefore(grant.expiresAt)) throw badRequest("invalid_grant", "the refresh token has expired")
        val scope = form["scope"]?.let { requested ->
            val granted = grant.scope.split(' ').toSet()
            if (!granted.containsAll(requested.split(' ').filter { it.isNotEmpty() })) {
                throw badRequest("invalid_scope", "the requested scope exceeds the granted scope")
            }
            requested
        } ?: grant.scope
        return issue("refresh_token", client.id, scope, grant.subject, refresh = true)
    }

    private fun issue(grantType: String, clientId: String, scope: String, subject: String, refresh: Boolean): JsonObject {
        val access = OAuthValues.randomToken("dbsqlo_")
        registry.addExpiring(access, subject, settings.accessTokenLifetime)
        val refreshToken = if (refresh) {
            OAuthValues.randomToken("dbsqlr_").also {
                refreshTokens[it] = RefreshGrant(clientId, scope, subject, clock.instant().plus(settings.refreshTokenLifetime))
            }
        } else {
            null
        }
        counters.tokenIssued(grantType)
        return buildJsonObject {
            put("access_token", access)
            put("token_type", "Bearer")
            put("expires_in", settings.accessTokenLifetime.toSeconds())
            put("scope", scope)
            if (refreshToken != null) put("refresh_token", refreshToken)
        }
    }

    /**
     * Client authentication (RFC 6749 §2.3): HTTP Basic or `client_id` / `client_secret` form
     * fields, not both. A client registered without a secret is public and sends only `client_id`.
     */
    private fun authenticate(form: Parameters, authorization: String?): Client {
        val basic = authorization?.takeIf { it.startsWith("Basic ", ignoreCase = true) }?.let(::decodeBasic)
        if (basic != null && form["client_secret"] != null) {
            throw badRequest("invalid_request", "use one client authentication method, not both Basic and client_secret")
        }
        if (basic != null && form["client_id"] != null && form["client_id"] != basic.first) {
            throw badRequest("invalid_request", "client_id differs from the Basic credentials")
        }
        val id = basic?.first ?: form["client_id"] ?: throw OAuthError(401, "invalid_client", "client authentication is required")
        val secret = basic?.second ?: form["client_secret"]
        if (id !in settings.clients) throw OAuthError(401, "invalid_client", "unknown client '$id'")
        val expected = settings.clients[id]
        return when {
            expected == null && secret.isNullOrEmpty() -> Client(id, secretChecked = false)
            expected == null -> throw OAuthError(401, "invalid_client", "client '$id' is public and has no secret")
            secret == null -> throw OAuthError(401, "invalid_client", "client '$id' must authenticate with its secret")
            !OAuthValues.constantTimeEquals(secret, expected) -> throw OAuthError(401, "invalid_client", "client authentication failed")
            else -> Client(id, secretChecked = true)
        }
    }

    private fun decodeBasic(header: String): Pair<String, String> {
        val decoded = try {
            String(Base64.getDecoder().decode(header.substring(6).trim()), Charsets.UTF_8)
        } catch (e: IllegalArgumentException) {
            throw OAuthError(401, "invalid_client", "malformed Basic credentials")
        }
        if (':' !in decoded) throw OAuthError(401, "invalid_client", "malformed Basic credentials")
        return decoded.substringBefore(':') to decoded.substringAfter(':')
    }

    private fun Parameters.required(name: String): String =
        this[name]?.takeIf { it.isNotEmpty() } ?: throw badRequest("invalid_request", "$name is required")

    /** Checks a space-separated scope list against the supported scopes. */
    fun checkedScope(scope: String?, default: String): String {
        val items = scope?.split(' ')?.filter { it.isNotEmpty() }.orEmpty()
        if (items.isEmpty()) return default
        val unknown = items.filter { it !in OAuthValues.scopesSupported }
        if (unknown.isNotEmpty()) throw badRequest("invalid_scope", "unsupported scope: ${unknown.joinToString(" ")}")
        return items.joinToString(" ")
    }
}
