package dev.dbsql.core.internal

import dev.dbsql.core.ClientConfig
import dev.dbsql.core.ProxyConfig
import io.ktor.client.HttpClient
import kotlinx.coroutines.Job

/**
 * The download transport of one client: a CIO client per proxy decision (through the download
 * proxy, or direct for hosts on its no-proxy list), each built on first use, because a CIO engine
 * has one proxy. Never sends the workspace `Authorization` header. Thread-safe; [close] closes the
 * clients built so far.
 */
internal class DownloadClients(val route: Route, private val userAgent: String) : AutoCloseable {
    private val lock = Any()
    private var proxied: HttpClient? = null
    private var direct: HttpClient? = null
    private var closed = false

    /** The proxy downloads from [host] go through (null: direct). */
    fun proxyFor(host: String): ProxyConfig? = route.proxyFor(host)

    /** The client for downloads from [host]. */
    fun forHost(host: String): HttpClient {
        val proxy = route.proxyFor(host)
        synchronized(lock) {
            check(!closed) { "the download clients are closed" }
            return if (proxy == null) {
                direct ?: HttpClients.build(null, route, userAgent).also { direct = it }
            } else {
                proxied ?: HttpClients.build(proxy, route, userAgent).also { proxied = it }
            }
        }
    }

    /** The jobs of the clients built so far (to wait for their shutdown). */
    fun jobs(): List<Job> = synchronized(lock) { listOfNotNull(proxied, direct) }.mapNotNull { it.coroutineContext[Job] }

    override fun close() {
        val built = synchronized(lock) {
            closed = true
            listOfNotNull(proxied, direct)
        }
        built.forEach { runCatching { it.close() } }
    }

    companion object {
        /** The download route of [config]: `downloads.*`, each defaulting to the API's setting. */
        fun route(config: ClientConfig): Route {
            val d = config.downloads
            return Route(d.proxy ?: config.proxy, TlsMaterial.forDownloads(config.tls, d.customCa), d.timeouts ?: config.timeouts)
        }
    }
}
