package dev.dbsql.warehouse.oauth

import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.put
import kotlinx.serialization.json.putJsonArray
import java.security.MessageDigest
import java.security.SecureRandom
import java.util.Base64

/** An RFC 6749 error: HTTP [status] with `{"error": [error], "error_description": [description]}`. */
internal class OAuthError(val status: Int, val error: String, val description: String) : Exception(description) {
    fun toJson(): JsonObject = buildJsonObject {
        put("error", error)
        put("error_description", description)
    }
}

internal fun badRequest(error: String, description: String) = OAuthError(400, error, description)

internal object OAuthValues {
    val scopesSupported = listOf("all-apis", "email", "offline_access", "openid", "profile", "sql")
    private val random = SecureRandom()
    private val base64Url = Base64.getUrlEncoder().withoutPadding()

    fun randomToken(prefix: String): String = prefix + base64Url.encodeToString(ByteArray(32).also(random::nextBytes))

    /** `BASE64URL(SHA-256(ASCII(verifier)))`, RFC 7636 §4.2. */
    fun s256(verifier: String): String =
        base64Url.encodeToString(MessageDigest.getInstance("SHA-256").digest(verifier.toByteArray(Charsets.US_ASCII)))

    /** RFC 7636 §4.1: 43 to 128 characters of `[A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~"`. */
    fun isValidVerifier(verifier: String): Boolean =
        verifier.length in 43..128 && verifier.all { it.isLetterOrDigit() && it.code < 128 || it in "-._~" }

    fun constantTimeEquals(a: String, b: String): Boolean =
        MessageDigest.isEqual(a.toByteArray(Charsets.UTF_8), b.toByteArray(Charsets.UTF_8))

    /** The discovery document of protocol §8.2, every endpoint on [base]. */
    fun discovery(base: String, federation: Boolean = false): JsonObject = buildJsonObject {
        put("issuer", "$base/oidc")
        put("authorization_endpoint", "$base/oidc/v1/authorize")
        put("token_endpoint", "$base/oidc/v1/token")
        put("jwks_uri", "$base/oidc/jwks.json")
        putJsonArray("scopes_supported") { scopesSupported.forEach { add(JsonPrimitive(it)) } }
        putStrings("response_types_supported", "code", "id_token")
        putStrings("response_modes_supported", "query", "fragment", "form_post")
        val grants = listOf("client_credentials", "authorization_code", "refresh_token") +
            if (federation) listOf(TokenFederation.GRANT_TYPE) else emptyList()
        putStrings("grant_types_supported", *grants.toTypedArray())
        putStrings("code_challenge_methods_supported", "S256")
        putStrings("token_endpoint_auth_methods_supported", "client_secret_basic", "client_secret_post", "none")
        putStrings("subject_types_supported", "public")
        putStrings("id_token_signing_alg_values_supported", "RS256")
        putStrings("claims_supported", "iss", "sub", "aud", "iat", "exp", "jti", "name", "family_name", "given_name", "preferred_username")
        put("request_uri_parameter_supported", false)
    }

    private fun kotlinx.serialization.json.JsonObjectBuilder.putStrings(key: String, vararg values: String) {
        putJsonArray(key) { values.forEach { add(JsonPrimitive(it)) } }
    }
}
