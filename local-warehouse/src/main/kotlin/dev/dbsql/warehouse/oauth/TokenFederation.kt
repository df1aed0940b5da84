package dev.dbsql.warehouse.oauth

import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.contentOrNull
import kotlinx.serialization.json.jsonPrimitive
import kotlinx.serialization.json.longOrNull
import kotlinx.serialization.json.put
import java.time.Instant
import java.util.Base64
import javax.crypto.Mac
import javax.crypto.spec.SecretKeySpec

/**
 * Workload identity federation for tests: the token endpoint accepts an RFC 8693 token exchange
 * (`grant_type=urn:ietf:params:oauth:grant-type:token-exchange`,
 * `subject_token_type=urn:ietf:params:oauth:token-type:jwt`) whose subject token is an HS256 JWT
 * signed with [secret] by the test issuer [issuer]. The token must carry `iss` = [issuer], an
 * `aud` (string or array) containing one of [audiences] (empty: the warehouse's own token endpoint
 * URL, the Databricks SDKs' default audience), an `exp` in the future and a `sub`.
 *
 * With a `client_id` (a service principal registered in [OAuthSettings.clients], no secret sent)
 * the issued token's subject is that client; without one (account-wide federation) it is the JWT's
 * `sub`. [secret] is never shown by [toString].
 */
class TokenFederation(
    val issuer: String = "https://issuer.local-warehouse.test",
    private val secret: String,
    val audiences: List<String> = emptyList(),
) {
    init {
        require(secret.length >= 16) { "the federation secret must have at least 16 characters" }
    }

    override fun toString(): String = "TokenFederation(issuer=$issuer, audiences=$audiences, secret=***)"

    /**
     * A signed ID token as the test issuer would hand out (for tests): [claims] are added to
     * `iss`, `sub`, `aud` and `exp`.
     */
    @JvmOverloads
    fun mint(
        subject: String,
        audience: String,
        expiresAt: Instant,
        issuer: String = this.issuer,
        claims: Map<String, String> = emptyMap(),
    ): String {
        val header = buildJsonObject {
            put("alg", "HS256")
            put("typ", "JWT")
        }
        val payload = buildJsonObject {
            put("iss", issuer)
            put("sub", subject)
            put("aud", audience)
            put("exp", expiresAt.epochSecond)
            put("iat", expiresAt.epochSecond - 300)
            claims.forEach { (k, v) -> put(k, v) }
        }
        val signingInput = b64(header.toString().toByteArray()) + "." + b64(payload.toString().toByteArray())
        return signingInput + "." + b64(hmac(signingInput))
    }

    /** The `sub` of a valid [token] for [expectedAudiences] at [now]; otherwise an [OAuthError] (the token is never echoed). */
    internal fun verify(token: String, expectedAudiences: List<String>, now: Instant): String {
        if (token.length > MAX_TOKEN_LENGTH) throw invalid("the subject token is too long")
        val parts = token.split('.')
        if (parts.size != 3) throw invalid("the subject token is not a JWT")
        val header = decodeObject(parts[0]) ?: throw invalid("the subject token has no readable header")
        if (header["alg"]?.jsonPrimitive?.contentOrNull != "HS256") throw invalid("the subject token is not signed with HS256")
        val signature = runCatching { Base64.getUrlDecoder().decode(parts[2]) }.getOrNull() ?: throw invalid("the subject token signature is malformed")
        if (!java.security.MessageDigest.isEqual(signature, hmac(parts[0] + "." + parts[1]))) {
            throw invalid("the subject token signature does not verify")
        }
        val claims = decodeObject(parts[1]) ?: throw invalid("the subject token has no readable claims")
        val iss = claims["iss"]?.primitiveContent()
        if (iss != issuer) throw invalid("the subject token was not issued by the trusted issuer")
        val exp = (claims["exp"] as? JsonPrimitive)?.longOrNull ?: throw invalid("the subject token has no exp")
        if (!now.isBefore(Instant.ofEpochSecond(exp))) throw invalid("the subject token has expired")
        val aud = when (val a = claims["aud"]) {
            is JsonPrimitive -> listOfNotNull(a.contentOrNull)
            is JsonArray -> a.mapNotNull { it.primitiveContent() }
            else -> emptyList()
        }
        val expected = audiences.ifEmpty { expectedAudiences }
        if (aud.none { it in expected }) throw invalid("the subject token audience is not accepted")
        return claims["sub"]?.primitiveContent()?.takeIf { it.isNotEmpty() } ?: throw invalid("the subject token has no sub")
    }

    private fun hmac(input: String): ByteArray =
        Mac.getInstance("HmacSHA256").apply { init(SecretKeySpec(secret.toByteArray(), "HmacSHA256")) }.doFinal(input.toByteArray())

    private fun decodeObject(part: String): JsonObject? = runCatching {
        Json.parseToJsonElement(String(Base64.getUrlDecoder().decode(part), Charsets.UTF_8)) as? JsonObject
    }.getOrNull()

    private fun kotlinx.serialization.json.JsonElement.primitiveContent(): String? = (this as? JsonPrimitive)?.contentOrNull

    private fun invalid(description: String) = badRequest("invalid_grant", description)

    companion object {
        const val GRANT_TYPE: String = "urn:ietf:params:oauth:grant-type:token-exchange"
        const val JWT_TOKEN_TYPE: String = "urn:ietf:params:oauth:token-type:jwt"
        private const val MAX_TOKEN_LENGTH = 16 * 1024
        private val b64Encoder = Base64.getUrlEncoder().withoutPadding()
        private fun b64(bytes: ByteArray): String = b64Encoder.encodeToString(bytes)
    }
}
