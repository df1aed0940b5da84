package dev.dbsql.core.it.net

import dev.dbsql.auth.BrowserLauncher
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.security.KeyStore
import java.security.cert.X509Certificate
import java.time.Duration
import java.util.concurrent.atomic.AtomicInteger
import javax.net.ssl.SSLContext
import javax.net.ssl.TrustManagerFactory

/**
 * The browser of a U2M test against an HTTPS warehouse: trusts [ca], follows the authorization URL
 * and its redirects (to the provider's plain-http loopback listener) and keeps the final status.
 */
class TrustingBrowser(ca: X509Certificate) : BrowserLauncher, AutoCloseable {
    private val http: HttpClient = HttpClient.newBuilder()
        .sslContext(sslContext(ca))
        .followRedirects(HttpClient.Redirect.ALWAYS)
        .connectTimeout(Duration.ofSeconds(30))
        .build()
    val opened = AtomicInteger()

    @Volatile
    var lastStatus: Int = 0

    override fun open(url: String) {
        opened.incrementAndGet()
        val request = HttpRequest.newBuilder(URI(url)).timeout(Duration.ofSeconds(60)).GET().build()
        lastStatus = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode()
    }

    override fun close() = Unit

    private companion object {
        fun sslContext(ca: X509Certificate): SSLContext {
            val store = KeyStore.getInstance("PKCS12").apply {
                load(null, null)
                setCertificateEntry("ca", ca)
            }
            val tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm()).apply { init(store) }
            return SSLContext.getInstance("TLS").apply { init(null, tmf.trustManagers, null) }
        }
    }
}
