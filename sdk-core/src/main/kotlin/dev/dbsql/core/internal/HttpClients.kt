package dev.dbsql.core.internal

import dev.dbsql.core.ClientConfig
import io.ktor.client.HttpClient
import io.ktor.client.engine.ProxyBuilder
import io.ktor.client.engine.cio.CIO
import io.ktor.client.plugins.HttpTimeout
import io.ktor.client.plugins.UserAgent
import io.ktor.http.Url
import io.ktor.network.tls.addCertificateChain
import java.net.URI

/** Builds the ktor CIO clients of one [dev.dbsql.core.DatabricksSqlClient]. */
internal object HttpClients {
    /**
     * @param forDownloads the client for external links. Neither client follows redirects by
     *   itself: an API redirect is an error to report (credentials must not follow it), and the
     *   downloader follows a link's redirects itself (a bounded number, http(s) only, dropping the
     *   link's headers on a host change). Downloads set their own request and socket timeouts.
     */
    fun build(config: ClientConfig, tls: TlsMaterial, userAgent: String, forDownloads: Boolean): HttpClient =
        HttpClient(CIO) {
            expectSuccess = false
            followRedirects = false
            engine {
                requestTimeout = config.timeouts.request.inWholeMilliseconds
                endpoint.connectTimeout = config.timeouts.connect.inWholeMilliseconds
                endpoint.socketTimeout = config.timeouts.socket.inWholeMilliseconds
                endpoint.connectAttempts = 1
                https {
                    tls.trustManager?.let { trustManager = it }
                    if (tls.clientKey != null) addCertificateChain(tls.clientChain.toTypedArray(), tls.clientKey)
                }
                val p = config.proxy
                val apiHost = URI(config.baseUrl).host
                if (p != null && !p.bypasses(apiHost)) proxy = ProxyBuilder.http(Url("http://${p.host}:${p.port}"))
            }
            install(HttpTimeout) {
                connectTimeoutMillis = config.timeouts.connect.inWholeMilliseconds
                requestTimeoutMillis = config.timeouts.request.inWholeMilliseconds
                socketTimeoutMillis = config.timeouts.socket.inWholeMilliseconds
            }
            install(UserAgent) { agent = userAgent }
        }
}
