package dev.dbsql.warehouse.staging

import java.net.URLEncoder
import java.security.MessageDigest
import java.security.SecureRandom
import java.time.Clock
import javax.crypto.Mac
import javax.crypto.spec.SecretKeySpec

/** What a presigned staging URL allows. */
internal enum class StagingOp(val method: String) { PUT("PUT"), GET("GET"), REMOVE("DELETE") }

/**
 * Presigned staging URLs on this server's `/files/volumes/...` path, like an object store's:
 * HMAC-SHA256 (per-server random secret) over operation, volume path, overwrite flag and expiry.
 * Every URL comes with one header the request must echo ([HEADER] = [HEADER_VALUE]), as an S3
 * presigned upload names its encryption header. Thread-safe.
 */
internal class StagingUrls(
    private val clock: Clock,
    private val settings: VolumeSettings,
    private val baseUrl: () -> String,
    private val secret: ByteArray = ByteArray(32).also { SecureRandom().nextBytes(it) },
) {
    fun issue(op: StagingOp, volumePath: String, overwrite: Boolean): String {
        val expires = clock.millis() + settings.urlLifetime.toMillis()
        val enc = URLEncoder.encode(volumePath, Charsets.UTF_8)
        val ow = if (overwrite) 1 else 0
        return "${baseUrl()}$PATH_PREFIX/${op.name.lowercase()}?path=$enc&overwrite=$ow&expires=$expires" +
            "&signature=${sign(op, volumePath, overwrite, expires)}"
    }

    /** Constant-time check of a URL's signature. */
    fun verify(op: StagingOp, volumePath: String, overwrite: Boolean, expires: Long, signature: String): Boolean =
        MessageDigest.isEqual(sign(op, volumePath, overwrite, expires).toByteArray(), signature.lowercase().toByteArray())

    fun expired(expires: Long): Boolean = clock.millis() >= expires

    private fun sign(op: StagingOp, path: String, overwrite: Boolean, expires: Long): String {
        val mac = Mac.getInstance("HmacSHA256")
        mac.init(SecretKeySpec(secret, "HmacSHA256"))
        val bytes = mac.doFinal("staging\n${op.name}\n$path\n$overwrite\n$expires".toByteArray())
        return bytes.joinToString("") { "%02x".format(it) }
    }

    companion object {
        const val PATH_PREFIX = "/files/volumes"
        const val HEADER = "x-amz-server-side-encryption"
        const val HEADER_VALUE = "AES256"
    }
}

/** The volume store and its URL signer, shared by the engine side and the routes of one warehouse. */
internal class Staging(val store: VolumeStore, val urls: StagingUrls) : AutoCloseable {
    /** Wraps [opener] so that its contexts run staging statements. */
    fun contexts(opener: dev.dbsql.warehouse.statements.ContextOpener) = StagingContexts(opener, store, urls)

    override fun close() = store.close()
}
