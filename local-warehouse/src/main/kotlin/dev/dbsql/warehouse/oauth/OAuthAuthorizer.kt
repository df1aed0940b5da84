package dev.dbsql.warehouse.oauth

import io.ktor.http.Parameters
import io.ktor.http.URLBuilder
import io.ktor.http.URLParserException
import io.ktor.http.Url
import java.time.Clock

/**
 * The authorize endpoint's logic (RFC 6749 §4.1.1–4.1.2, RFC 7636 §4.3). Errors about the client or
 * the redirect URI are answered directly (400, no redirect); every other outcome is a redirect to the
 * client's loopback `redirect_uri` carrying `code` (or `error`) and `state`.
 * PKCE with S256 is required; with [OAuthSettings.autoApprove] off the user "denies" access.
 */
internal class OAuthAuthorizer(
    private val settings: OAuthSettings,
    private val clock: Clock,
    private val grants: OAuthGrants,
) {
    /** The URL to redirect to; throws [OAuthError] when no redirect may be made. */
    fun authorize(query: Parameters): String {
        val clientId = query["client_id"]?.takeIf { it.isNotEmpty() }
            ?: throw badRequest("invalid_request", "client_id is required")
        if (clientId !in settings.clients) throw badRequest("invalid_client", "unknown client '$clientId'")
        val redirectUri = query["redirect_uri"]?.takeIf { it.isNotEmpty() }
            ?: throw badRequest("invalid_request", "redirect_uri is required")
        if (!isLoopback(redirectUri)) {
            throw badRequest("invalid_request", "redirect_uri must be a loopback http URL (localhost, 127.0.0.1 or [::1])")
        }
        val state = query["state"]

        fun redirectError(error: String, description: String): String = URLBuilder(redirectUri).apply {
            parameters.append("error", error)
            parameters.append("error_description", description)
            if (state != null) parameters.append("state", state)
        }.buildString()

        val challenge = query["code_challenge"]
        val scope = try {
            grants.checkedScope(query["scope"], default = "all-apis")
        } catch (e: OAuthError) {
            return redirectError(e.error, e.description)
        }
        return when {
            query["response_type"] != "code" -> redirectError("unsupported_response_type", "response_type must be code")
            challenge.isNullOrEmpty() -> redirectError("invalid_request", "code_challenge is required (PKCE)")
            query["code_challenge_method"] != "S256" -> redirectError("invalid_request", "code_challenge_method must be S256")
            !settings.autoApprove -> redirectError("access_denied", "the user denied access")
            else -> {
                val code = grants.addCode(
                    PendingCode(clientId, redirectUri, challenge, scope, clock.instant().plus(settings.authorizationCodeLifetime)),
                )
                URLBuilder(redirectUri).apply {
                    parameters.append("code", code)
                    if (state != null) parameters.append("state", state)
                }.buildString()
            }
        }
    }

    private fun isLoopback(uri: String): Boolean = try {
        val url = Url(uri)
        url.protocol.name == "http" && url.host in setOf("localhost", "127.0.0.1", "[::1]", "::1") && uri.startsWith("http://")
    } catch (e: URLParserException) {
        false
    }
}
