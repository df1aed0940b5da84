package dev.dbsql.core.internal

import dev.dbsql.core.ConfigurationException
import dev.dbsql.core.PemSource
import dev.dbsql.core.TlsConfig
import java.nio.file.Files
import java.nio.file.Path
import java.security.KeyFactory
import java.security.KeyStore
import java.security.PrivateKey
import java.security.cert.CertificateFactory
import java.security.cert.X509Certificate
import java.security.spec.PKCS8EncodedKeySpec
import java.util.Base64
import javax.net.ssl.TrustManagerFactory
import javax.net.ssl.X509TrustManager

/** Trust manager and client identity built from a [TlsConfig]. Verification always on. */
internal class TlsMaterial(
    /** null: the engine's default (the JVM trust store). */
    val trustManager: X509TrustManager?,
    val clientChain: List<X509Certificate>,
    val clientKey: PrivateKey?,
) {
    companion object {
        fun from(tls: TlsConfig): TlsMaterial {
            val trust = tls.customCa?.let { trustWith(certificates(readPem(it, "tls.customCa"), "tls.customCa")) }
            val chain = tls.clientCertificate?.let { certificates(readPem(it, "tls.clientCertificate"), "tls.clientCertificate") }.orEmpty()
            val key = tls.clientKey?.let { privateKey(readPem(it, "tls.clientKey")) }
            return TlsMaterial(trust, chain, key)
        }

        /** The material of downloads: [tls], with [customCa] as trusted CA when given. */
        fun forDownloads(tls: TlsConfig, customCa: PemSource?): TlsMaterial {
            val api = from(tls)
            if (customCa == null) return api
            val trust = trustWith(certificates(readPem(customCa, "downloads.customCa"), "downloads.customCa"))
            return TlsMaterial(trust, api.clientChain, api.clientKey)
        }

        private fun readPem(src: PemSource, field: String): String = when (src) {
            is PemSource.Inline -> src.pem
            is PemSource.File -> try {
                Files.readString(Path.of(src.path))
            } catch (e: Exception) {
                throw ConfigurationException(field, "cannot read PEM file '${src.path}': ${e.message}", e)
            }
        }

        private fun certificates(pem: String, field: String): List<X509Certificate> {
            val certs = try {
                CertificateFactory.getInstance("X.509").generateCertificates(pem.byteInputStream()).map { it as X509Certificate }
            } catch (e: Exception) {
                throw ConfigurationException(field, "not a PEM certificate: ${e.message}", e)
            }
            if (certs.isEmpty()) throw ConfigurationException(field, "no certificate found in the PEM text")
            return certs
        }

        /** The JVM's default trust anchors plus [extra]. */
        private fun trustWith(extra: List<X509Certificate>): X509TrustManager {
            val store = KeyStore.getInstance(KeyStore.getDefaultType()).apply { load(null, null) }
            defaultTrustManager().acceptedIssuers.forEachIndexed { i, c -> store.setCertificateEntry("jvm-$i", c) }
            extra.forEachIndexed { i, c -> store.setCertificateEntry("custom-$i", c) }
            val tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm()).apply { init(store) }
            return tmf.trustManagers.filterIsInstance<X509TrustManager>().first()
        }

        private fun defaultTrustManager(): X509TrustManager {
            val tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm()).apply { init(null as KeyStore?) }
            return tmf.trustManagers.filterIsInstance<X509TrustManager>().first()
        }

        private fun privateKey(pem: String): PrivateKey {
            val field = "tls.clientKey"
            val label = Regex("-----BEGIN ([A-Z ]+)-----").find(pem)?.groupValues?.get(1)
                ?: throw ConfigurationException(field, "no PEM private key found")
            if (label != "PRIVATE KEY") {
                throw ConfigurationException(
                    field,
                    "'$label' keys are not supported; convert to unencrypted PKCS#8 (openssl pkcs8 -topk8 -nocrypt)",
                )
            }
            val body = pem.substringAfter("-----BEGIN PRIVATE KEY-----").substringBefore("-----END PRIVATE KEY-----")
            val der = try {
                Base64.getMimeDecoder().decode(body.trim())
            } catch (e: IllegalArgumentException) {
                throw ConfigurationException(field, "the PEM private key is not valid base64", e)
            }
            for (alg in listOf("RSA", "EC", "Ed25519", "EdDSA")) {
                runCatching { return KeyFactory.getInstance(alg).generatePrivate(PKCS8EncodedKeySpec(der)) }
            }
            throw ConfigurationException(field, "unsupported private key algorithm (RSA, EC and Ed25519 are supported)")
        }
    }
}
