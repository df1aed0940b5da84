package dev.dbsql.core.internal

import dev.dbsql.core.ClientConfig
import dev.dbsql.core.ProxyConfig
import dev.dbsql.core.Timeouts
import io.ktor.client.HttpClient
import io.ktor.client.engine.ProxyBuilder
import io.ktor.client.engine.cio.CIO
import io.ktor.client.plugins.HttpTimeout
import io.ktor.client.plugins.UserAgent
import io.ktor.http.Url
import io.ktor.network.tls.addCertificateChain
import java.net.URI

/**
 * The network settings of one kind of traffic: [proxy] (null: direct), TLS material and timeouts.
 * The API's come from [ClientConfig]; downloads' from `ClientConfig.downloads`, defaulting to the API's.
 */
internal class Route(val proxy: ProxyConfig?, val tls: TlsMaterial, val timeouts: Timeouts) {
    /** The proxy to use for [host], or null when there is none or [host] is on its no-proxy list. */
    fun proxyFor(host: String): ProxyConfig? = proxy?.takeUnless { it.bypasses(host) }
}

/**
 * The one place that builds the ktor CIO clients of a [dev.dbsql.core.DatabricksSqlClient]: API
 * calls, OAuth requests (they share the API client) and link downloads all get their TLS, proxy,
 * timeouts and User-Agent from here.
 */
internal object HttpClients {
    /** The API's route: the workspace host decides whether the proxy is used. */
    fun apiRoute(config: ClientConfig, tls: TlsMaterial): Route = Route(config.proxy, tls, config.timeouts)

    /** The client for API calls (and OAuth requests) to the workspace host. */
    fun api(config: ClientConfig, route: Route, userAgent: String): HttpClient =
        build(route.proxyFor(URI(config.baseUrl).host), route, userAgent)

    /**
     * A client over [route] with [proxy] (null: direct). Clients never follow redirects by
     * themselves: an API redirect is an error to report (credentials must not follow it), and the
     * downloader follows a link's redirects itself (a bounded number, http(s) only, dropping the
     * link's headers on a host change). Downloads set their own request and socket timeouts.
     */
    fun build(proxy: ProxyConfig?, route: Route, userAgent: String): HttpClient =
        HttpClient(CIO) {
            expectSuccess = false
            followRedirects = false
            val timeouts = route.timeouts
            engine {
                requestTimeout = timeouts.request.inWholeMilliseconds
                endpoint.connectTimeout = timeouts.connect.inWholeMilliseconds
                endpoint.socketTimeout = timeouts.socket.inWholeMilliseconds
                endpoint.connectAttempts = 1
                https {
                    route.tls.trustManager?.let { trustManager = it }
                    val key = route.tls.clientKey
                    if (key != null) addCertificateChain(route.tls.clientChain.toTypedArray(), key)
                }
                if (proxy != null) this.proxy = ProxyBuilder.http(Url("http://${proxy.host}:${proxy.port}"))
            }
            install(HttpTimeout) {
                connectTimeoutMillis = timeouts.connect.inWholeMilliseconds
                requestTimeoutMillis = timeouts.request.inWholeMilliseconds
                socketTimeoutMillis = timeouts.socket.inWholeMilliseconds
            }
            install(UserAgent) { agent = userAgent }
        }
}
