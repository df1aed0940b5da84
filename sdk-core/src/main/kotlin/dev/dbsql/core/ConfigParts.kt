package dev.dbsql.core

import dev.dbsql.core.internal.InlinePemSerializer
import kotlinx.serialization.SerialName
import kotlinx.serialization.Serializable
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.minutes
import kotlin.time.Duration.Companion.seconds

/**
 * Network timeouts of every HTTP call the client makes.
 *
 * @property connect to open a TCP (and TLS) connection.
 * @property request for a whole request, response body included. Must exceed the longest
 *   `wait_timeout` used (50 s at most) — an execute waits on the server that long.
 * @property socket the longest silence allowed while reading or writing.
 */
@Serializable
public data class Timeouts(
    val connect: Duration = 10.seconds,
    val request: Duration = 2.minutes,
    val socket: Duration = 70.seconds,
) {
    init {
        positive("timeouts.connect", connect)
        positive("timeouts.request", request)
        positive("timeouts.socket", socket)
    }
}

/**
 * Bounds of the default [RetryStrategy] ([ExponentialBackoffRetryStrategy]): at most [maxAttempts]
 * sends of one request within [maxTotalTime]; between them an exponential backoff starting at
 * [baseDelay], capped at [maxDelay], with full jitter — or the server's `Retry-After` when it sent one.
 */
@Serializable
public data class RetryPolicy(
    val maxAttempts: Int = 6,
    val maxTotalTime: Duration = 2.minutes,
    val baseDelay: Duration = 200.milliseconds,
    val maxDelay: Duration = 10.seconds,
) {
    init {
        if (maxAttempts < 1) throw ConfigurationException("retry.maxAttempts", "must be at least 1, was $maxAttempts")
        positive("retry.maxTotalTime", maxTotalTime)
        positive("retry.baseDelay", baseDelay)
        positive("retry.maxDelay", maxDelay)
        if (maxDelay < baseDelay) throw ConfigurationException("retry.maxDelay", "must not be below retry.baseDelay ($baseDelay), was $maxDelay")
    }

    public companion object {
        /** One attempt, no retries. */
        @JvmField
        public val NONE: RetryPolicy = RetryPolicy(maxAttempts = 1)
    }
}

/** Kinds of proxy. Only [HTTP] is supported (the CIO engine cannot speak SOCKS). */
@Serializable
public enum class ProxyType { HTTP, SOCKS }

/**
 * An HTTP proxy for API calls and result downloads.
 *
 * @property noProxy host names (exact, or `.suffix` / `*.suffix` for a domain, or `*` for all)
 *   reached directly. Matched against the workspace host for API calls (and OAuth requests), and
 *   against each link's host for result downloads (see [DownloadConfig.proxy]).
 */
@Serializable
public data class ProxyConfig(
    val host: String,
    val port: Int,
    val type: ProxyType = ProxyType.HTTP,
    val noProxy: List<String> = emptyList(),
) {
    init {
        if (type != ProxyType.HTTP) {
            throw ConfigurationException("proxy.type", "$type proxies are not supported (the HTTP engine only speaks to HTTP proxies); use an HTTP proxy")
        }
        if (host.isBlank() || host.any { it.isWhitespace() || it == '/' }) throw ConfigurationException("proxy.host", "must be a host name, was '$host'")
        if (port !in 1..65535) throw ConfigurationException("proxy.port", "must be in 1..65535, was $port")
    }

    /** True when [host] must be reached without the proxy. */
    public fun bypasses(host: String): Boolean {
        val h = host.lowercase()
        return noProxy.any { raw ->
            val p = raw.trim().lowercase()
            when {
                p.isEmpty() -> false
                p == "*" -> true
                p.startsWith("*.") -> h.endsWith(p.substring(1))
                p.startsWith(".") -> h.endsWith(p) || h == p.substring(1)
                else -> h == p
            }
        }
    }
}

/** PEM text (certificates or a private key), inline or read from a file when the client starts. */
@Serializable
public sealed interface PemSource {
    /** PEM read from [path] when the client is built. */
    @Serializable
    @SerialName("file")
    public data class File(val path: String) : PemSource

    /**
     * PEM given inline. [toString] shows only its size; text holding a private key is written as
     * `{"type":"inline","redacted":true}` by default serialization (like inline tokens), in clear
     * only with `ClientConfig.toJson(includeSecrets = true)`.
     */
    @Serializable(with = InlinePemSerializer::class)
    public class Inline(public val pem: String) : PemSource {
        override fun toString(): String = "Inline(${pem.length} chars)"
        override fun equals(other: Any?): Boolean = other is Inline && other.pem == pem
        override fun hashCode(): Int = pem.hashCode()
    }

    public companion object {
        /** Inline PEM from bytes (ASCII / UTF-8). */
        @JvmStatic
        public fun of(bytes: ByteArray): PemSource = Inline(bytes.toString(Charsets.UTF_8))
    }
}

/**
 * TLS settings. Certificate and host-name verification are always on; there is no way to turn them off.
 *
 * @property customCa extra trusted CA certificates (PEM), added to the JVM's default trust store.
 * @property clientCertificate the client certificate chain (PEM) for mutual TLS; needs [clientKey].
 * @property clientKey the client's private key (PKCS#8 PEM, `BEGIN PRIVATE KEY`); redacted in JSON and `toString`.
 */
@Serializable
public data class TlsConfig(
    val customCa: PemSource? = null,
    val clientCertificate: PemSource? = null,
    val clientKey: PemSource? = null,
) {
    init {
        if ((clientCertificate == null) != (clientKey == null)) {
            throw ConfigurationException(
                if (clientKey == null) "tls.clientKey" else "tls.clientCertificate",
                "mutual TLS needs both tls.clientCertificate and tls.clientKey",
            )
        }
    }
}

internal fun positive(field: String, value: Duration) {
    if (!value.isPositive() || value.isInfinite()) throw ConfigurationException(field, "must be a positive, finite duration, was $value")
}
