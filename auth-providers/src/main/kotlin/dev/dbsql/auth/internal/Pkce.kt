package dev.dbsql.auth.internal

import java.security.MessageDigest
import java.security.SecureRandom
import java.util.Base64

/** PKCE (RFC 7636) values and the `state` parameter for one authorization. */
internal class Pkce private constructor(val verifier: String, val challenge: String, val state: String) {
    override fun toString(): String = "Pkce(***)"

    companion object {
        private val random = SecureRandom()
        private val encoder = Base64.getUrlEncoder().withoutPadding()

        fun create(): Pkce {
            val verifier = randomUrlSafe(32) // 43 characters, the RFC minimum length
            return Pkce(verifier, s256(verifier), randomUrlSafe(16))
        }

        fun randomUrlSafe(bytes: Int): String = encoder.encodeToString(ByteArray(bytes).also(random::nextBytes))

        fun s256(verifier: String): String =
            encoder.encodeToString(MessageDigest.getInstance("SHA-256").digest(verifier.toByteArray(Charsets.US_ASCII)))
    }
}
