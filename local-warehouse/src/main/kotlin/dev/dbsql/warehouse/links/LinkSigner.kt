package dev.dbsql.warehouse.links

import java.security.MessageDigest
import java.security.SecureRandom
import java.util.Base64
import javax.crypto.Mac
import javax.crypto.spec.SecretKeySpec

/**
 * Signs external links like a presigned object-store URL: HMAC-SHA256 with a per-server random
 * secret over statement id, chunk index and expiry. Also derives the per-link `http_headers`
 * values a download must echo when that option is on. Thread-safe.
 */
internal class LinkSigner(private val secret: ByteArray = randomSecret()) {

    fun signature(statementId: String, chunkIndex: Int, expiresAtMillis: Long): String =
        hex(mac("link\n$statementId\n$chunkIndex\n$expiresAtMillis"))

    /** Constant-time check of a signature taken from a URL. */
    fun verify(statementId: String, chunkIndex: Int, expiresAtMillis: Long, signature: String): Boolean {
        val expected = signature(statementId, chunkIndex, expiresAtMillis).toByteArray()
        return MessageDigest.isEqual(expected, signature.lowercase().toByteArray())
    }

    /** The secret value of the required download header for one chunk. */
    fun headerKey(statementId: String, chunkIndex: Int): String =
        Base64.getEncoder().encodeToString(mac("header\n$statementId\n$chunkIndex"))

    private fun mac(text: String): ByteArray {
        val mac = Mac.getInstance("HmacSHA256")
        mac.init(SecretKeySpec(secret, "HmacSHA256"))
        return mac.doFinal(text.toByteArray())
    }

    private fun hex(bytes: ByteArray): String = buildString(bytes.size * 2) {
        for (b in bytes) {
            val v = b.toInt() and 0xff
            append(HEX[v ushr 4]).append(HEX[v and 0x0f])
        }
    }

    companion object {
        private const val HEX = "0123456789abcdef"

        /** Header names a download must carry when [dev.dbsql.warehouse.WarehouseConfig.linkHeaders] is on. */
        const val KEY_HEADER = "x-amz-server-side-encryption-customer-key"
        const val ALGORITHM_HEADER = "x-amz-server-side-encryption-customer-algorithm"
        const val ALGORITHM = "AES256"

        private fun randomSecret(): ByteArray = ByteArray(32).also { SecureRandom().nextBytes(it) }
    }
}
