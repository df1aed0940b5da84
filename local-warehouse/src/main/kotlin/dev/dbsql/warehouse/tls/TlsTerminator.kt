package dev.dbsql.warehouse.tls

import dev.dbsql.warehouse.TlsConfig
import org.slf4j.LoggerFactory
import java.io.IOException
import java.io.InputStream
import java.io.OutputStream
import java.net.InetAddress
import java.net.InetSocketAddress
import java.net.ServerSocket
import java.net.Socket
import java.nio.file.Files
import java.security.KeyStore
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.ExecutorService
import java.util.concurrent.Executors
import java.util.concurrent.atomic.AtomicInteger
import javax.net.ssl.KeyManagerFactory
import javax.net.ssl.SSLContext
import javax.net.ssl.SSLServerSocket
import javax.net.ssl.TrustManagerFactory
import javax.net.ssl.SSLSocket

/**
 * HTTPS in front of the CIO server. ktor 3.6's CIO engine refuses HTTPS connectors ("CIO Engine
 * does not currently support HTTPS"), so TLS is terminated here with the JDK's own TLS stack
 * (an `SSLServerSocket` from the configured key store) and each connection is relayed byte for
 * byte to the CIO server on a private loopback port. HTTP semantics (keep-alive, Content-Length,
 * aborted bodies) pass through unchanged: when the backend drops a connection, so does this side.
 * With [TlsConfig.requiresClientCertificate] the handshake needs a client certificate issued by
 * one of the trusted ones (mutual TLS) and fails without it. Two daemon threads per open connection. The backend port is reachable on loopback, so the backend
 * asks [isRelayed] and refuses every connection that did not come from here.
 */
internal class TlsTerminator(tls: TlsConfig, host: String, port: Int, private val backendPort: Int) : AutoCloseable {
    private val threadIds = AtomicInteger()
    private val pool: ExecutorService = Executors.newCachedThreadPool { r ->
        Thread(r, "warehouse-tls-${threadIds.incrementAndGet()}").apply { isDaemon = true }
    }
    private val open = ConcurrentHashMap.newKeySet<Socket>()
    private val relayPorts = ConcurrentHashMap.newKeySet<Int>()
    private val server: ServerSocket = sslContext(tls).serverSocketFactory.createServerSocket().apply {
        if (tls.requiresClientCertificate) (this as SSLServerSocket).needClientAuth = true
        reuseAddress = true
        bind(InetSocketAddress(InetAddress.getByName(host), port), 128)
    }

    @Volatile private var closed = false

    /** The port clients connect to. */
    val port: Int = server.localPort

    /** Whether a backend connection from loopback port [remotePort] is one this terminator opened. */
    fun isRelayed(remotePort: Int): Boolean = remotePort in relayPorts

    init {
        pool.execute(::acceptLoop)
    }

    private fun acceptLoop() {
        while (!closed) {
            val client = try {
                server.accept()
            } catch (e: IOException) {
                if (!closed) log.warn("TLS accept failed", e)
                continue
            }
            pool.execute { relay(client as SSLSocket) }
        }
    }

    private fun relay(client: SSLSocket) {
        open += client
        var backend: Socket? = null
        try {
            client.tcpNoDelay = true
            client.startHandshake()
            backend = Socket(InetAddress.getLoopbackAddress(), backendPort).apply { tcpNoDelay = true }
            relayPorts += backend.localPort
            open += backend
            val toBackend = backend
            pool.execute {
                pump(client.inputStream, toBackend.getOutputStream())
                runCatching { toBackend.shutdownOutput() }
            }
            pump(backend.getInputStream(), client.outputStream)
        } catch (e: IOException) {
            log.debug("TLS connection ended: {}", e.message)
        } finally {
            backend?.let { closeQuietly(it) }
            closeQuietly(client)
        }
    }

    private fun pump(from: InputStream, to: OutputStream) {
        val buffer = ByteArray(64 * 1024)
        try {
            while (true) {
                val n = from.read(buffer)
                if (n < 0) break
                to.write(buffer, 0, n)
                to.flush()
            }
        } catch (e: IOException) {
            log.trace("relay stopped: {}", e.message)
        }
    }

    private fun closeQuietly(socket: Socket) {
        open -= socket
        if (socket !is SSLSocket) relayPorts -= socket.localPort
        runCatching { socket.close() }
    }

    override fun close() {
        closed = true
        runCatching { server.close() }
        open.toList().forEach { closeQuietly(it) }
        pool.shutdownNow()
    }

    private companion object {
        val log = LoggerFactory.getLogger(TlsTerminator::class.java)

        fun sslContext(tls: TlsConfig): SSLContext {
            val password = tls.password()
            val store = KeyStore.getInstance(tls.keyStoreType)
            Files.newInputStream(tls.keyStorePath).use { store.load(it, password) }
            val alias = tls.keyAlias
            val keys = if (alias == null) store else KeyStore.getInstance("PKCS12").apply {
                load(null, null)
                val entry = store.getEntry(alias, KeyStore.PasswordProtection(password))
                    ?: throw IllegalArgumentException("key store ${tls.keyStorePath} has no entry '$alias'")
                setEntry(alias, entry, KeyStore.PasswordProtection(password))
            }
            val kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm())
            kmf.init(keys, password)
            val trust = if (!tls.requiresClientCertificate) null else {
                val anchors = KeyStore.getInstance("PKCS12").apply {
                    load(null, null)
                    tls.trustedClientCertificates.forEachIndexed { i, c -> setCertificateEntry("client-ca-$i", c) }
                }
                TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm()).apply { init(anchors) }.trustManagers
            }
            return SSLContext.getInstance("TLS").apply { init(kmf.keyManagers, trust, null) }
        }
    }
}
