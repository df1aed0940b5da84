package dev.dbsql.warehouse.tls

import dev.dbsql.warehouse.TlsConfig
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths
import java.security.KeyStore
import java.security.PrivateKey
import java.security.SecureRandom
import java.security.cert.X509Certificate
import java.util.Base64
import java.util.concurrent.TimeUnit

/**
 * A self-signed certificate and key for `127.0.0.1` / `localhost` (subject alternative names
 * `DNS:localhost`, `IP:127.0.0.1`), made by the JDK's `keytool` (from `java.home`), for running the
 * warehouse over HTTPS in tests. [keyStorePath] is a PKCS12 file owned by the caller (delete it, or
 * its directory, when done); [certificatePem] is what a client trusts.
 *
 * The key password is held in memory only; [toString] never shows it or the key.
 */
class SelfSignedCertificate private constructor(
    val keyStorePath: Path,
    private val password: CharArray,
    val alias: String,
    val certificate: X509Certificate,
    private val privateKey: PrivateKey,
) {
    /** The certificate as PEM (`-----BEGIN CERTIFICATE-----`). */
    val certificatePem: String get() = pem("CERTIFICATE", certificate.encoded)

    /** The private key as unencrypted PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`). */
    fun privateKeyPem(): String = pem("PRIVATE KEY", privateKey.encoded)

    /** A copy of the key store password. */
    fun password(): CharArray = password.copyOf()

    /** The key store with key and certificate, loaded. */
    fun keyStore(): KeyStore = KeyStore.getInstance("PKCS12").apply {
        Files.newInputStream(keyStorePath).use { load(it, password) }
    }

    /** A key store holding only the certificate, for a client's trust manager. */
    fun trustStore(): KeyStore = KeyStore.getInstance("PKCS12").apply {
        load(null, null)
        setCertificateEntry(alias, certificate)
    }

    /** The [TlsConfig] that makes a warehouse serve HTTPS with this certificate. */
    fun tlsConfig(): TlsConfig = TlsConfig(keyStorePath, password, alias)

    /**
     * Like [tlsConfig], and the server requires a client certificate issued by (or equal to) one
     * of [clientCertificates] (mutual TLS).
     */
    fun mutualTlsConfig(vararg clientCertificates: X509Certificate): TlsConfig =
        TlsConfig(keyStorePath, password, alias, trustedClientCertificates = clientCertificates.toList())

    override fun toString(): String =
        "SelfSignedCertificate(subject=${certificate.subjectX500Principal}, keyStorePath=$keyStorePath, password=***)"

    companion object {
        /**
         * Generates a new RSA-2048 key and certificate valid for [validityDays] into a PKCS12 file in
         * [directory] (a fresh temporary directory when null), for the names in [subjectAltNames]
         * (keytool's `SAN=` syntax). Blocks while `keytool` runs (~1 s).
         * @throws IllegalStateException when keytool fails
         */
        @JvmStatic
        @JvmOverloads
        fun generate(
            directory: Path? = null,
            validityDays: Int = 30,
            alias: String = "local-warehouse",
            subjectAltNames: String = "dns:localhost,ip:127.0.0.1",
        ): SelfSignedCertificate {
            val dir = directory ?: Files.createTempDirectory("local-warehouse-tls-")
            val file = dir.resolve("$alias-${System.nanoTime()}.p12")
            val password = randomPassword()
            val keytool = Paths.get(System.getProperty("java.home"), "bin", if (isWindows()) "keytool.exe" else "keytool")
            val command = listOf(
                keytool.toString(), "-genkeypair", "-noprompt",
                "-alias", alias, "-keyalg", "RSA", "-keysize", "2048", "-validity", validityDays.toString(),
                "-dname", "CN=localhost, OU=local-warehouse, O=dbsql",
                "-ext", "SAN=$subjectAltNames",
                "-keystore", file.toString(), "-storetype", "PKCS12",
                "-storepass:env", "LW_STOREPASS", "-keypass:env", "LW_STOREPASS",
            )
            val process = ProcessBuilder(command).redirectErrorStream(true).apply {
                environment()["LW_STOREPASS"] = String(password)
            }.start()
            val output = process.inputStream.bufferedReader().readText()
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly()
                throw IllegalStateException("keytool did not finish within 60 s")
            }
            check(process.exitValue() == 0) { "keytool failed (exit ${process.exitValue()}): $output" }
            val store = KeyStore.getInstance("PKCS12").apply { Files.newInputStream(file).use { load(it, password) } }
            val certificate = store.getCertificate(alias) as X509Certificate
            val key = store.getKey(alias, password) as PrivateKey
            return SelfSignedCertificate(file, password, alias, certificate, key)
        }

        private fun randomPassword(): CharArray {
            val bytes = ByteArray(18).also { SecureRandom().nextBytes(it) }
            return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).toCharArray()
        }

        private fun isWindows() = System.getProperty("os.name").lowercase().contains("win")

        private fun pem(type: String, der: ByteArray): String {
            val body = Base64.getMimeEncoder(64, "\n".toByteArray()).encodeToString(der)
            return "-----BEGIN $type-----\n$body\n-----END $type-----\n"
        }
    }
}
