package dev.dbsql.core

import dev.dbsql.auth.AuthConfig
import dev.dbsql.core.internal.ConfigJson
import kotlinx.serialization.Serializable
import java.net.InetAddress
import java.net.URI

/**
 * Everything a [DatabricksSqlClient] needs, as plain serializable data: a worker on another
 * machine can rebuild the same client from [toJson]. Invalid values fail at construction with a
 * [ConfigurationException] naming the field. Immutable; safe to share.
 *
 * Secrets: [auth] holds secret *references* by default; inline secrets (and an inline TLS client
 * key) are replaced by a redaction marker in [toString] and [toJson] unless
 * `toJson(includeSecrets = true)` is asked for explicitly. A config read back from redacted JSON
 * fails with a [ConfigurationException] naming the redacted field.
 *
 * Build it with [clientConfig] in Kotlin.
 *
 * @property host the workspace URL, `https://<workspace-host>[:port]` (a bare host name means
 *   https). Plain `http://` is accepted only for loopback hosts (a local warehouse).
 * @property warehouseId the SQL warehouse ID (see [ClientConfig.warehouseIdFromHttpPath]).
 * @property catalog default catalog of statements run outside a session (null: the warehouse's).
 * @property schema default schema of statements run outside a session.
 * @property userAgentSuffix appended to `dbsql-kotlin/<version>` in the User-Agent, e.g. `my-app/1.2`.
 * @property maxResponseBytes the largest API response body read (statement, status, chunk and
 *   session answers, and error bodies); a larger one fails with a [ProtocolException] naming this
 *   limit and is not retried. Default 256 MiB, ten times the 25 MiB inline result limit; result
 *   downloads are bounded by the result stream's memory budget instead.
 * @property cancellation how long pending server-side cancels may delay closing, and the JVM
 *   shutdown hook that finishes them (see [CancellationPolicy]).
 * @property downloads network settings of result downloads (the storage host), each defaulting to
 *   the API's; see [DownloadConfig] and `docs/networking.md`.
 */
@Serializable
public data class ClientConfig(
    val host: String,
    val warehouseId: String,
    val auth: AuthConfig,
    val catalog: String? = null,
    val schema: String? = null,
    val timeouts: Timeouts = Timeouts(),
    val retry: RetryPolicy = RetryPolicy(),
    val proxy: ProxyConfig? = null,
    val tls: TlsConfig = TlsConfig(),
    val userAgentSuffix: String? = null,
    val maxResponseBytes: Long = DEFAULT_MAX_RESPONSE_BYTES,
    val cancellation: CancellationPolicy = CancellationPolicy(),
    val downloads: DownloadConfig = DownloadConfig(),
) {
    init {
        validateHost(host)
        if (warehouseId.isBlank() || !warehouseId.all { it.isLetterOrDigit() || it == '-' || it == '_' }) {
            throw ConfigurationException("warehouseId", "must be a warehouse ID (letters, digits, '-', '_'), was '$warehouseId'")
        }
        if (catalog != null && catalog.isBlank()) throw ConfigurationException("catalog", "must not be blank")
        if (schema != null && schema.isBlank()) throw ConfigurationException("schema", "must not be blank")
        if (userAgentSuffix != null && (userAgentSuffix.isBlank() || userAgentSuffix.any { it.code < 0x20 || it.code > 0x7e })) {
            throw ConfigurationException("userAgentSuffix", "must be non-blank printable ASCII")
        }
        if (maxResponseBytes < MIN_RESPONSE_BYTES || maxResponseBytes > Int.MAX_VALUE - 64) {
            throw ConfigurationException("maxResponseBytes", "must be in $MIN_RESPONSE_BYTES..${Int.MAX_VALUE - 64}, was $maxResponseBytes")
        }
    }

    /** [host] as a base URL without trailing slash, e.g. `https://x.cloud.databricks.com`. */
    public val baseUrl: String get() = normalizeHost(host)

    /** The same value as JSON; secrets redacted unless [includeSecrets] (only for trusted transport). */
    @JvmOverloads
    public fun toJson(includeSecrets: Boolean = false): String = ConfigJson.encode(this, includeSecrets)

    override fun toString(): String =
        "ClientConfig(host=$host, warehouseId=$warehouseId, auth=${ConfigJson.redactedAuth(auth)}, catalog=$catalog, " +
            "schema=$schema, timeouts=$timeouts, retry=$retry, proxy=$proxy, tls=$tls, userAgentSuffix=$userAgentSuffix, maxResponseBytes=$maxResponseBytes, cancellation=$cancellation, " +
            "downloads=$downloads)"

    public companion object {
        /** The default [maxResponseBytes]: 256 MiB. */
        public const val DEFAULT_MAX_RESPONSE_BYTES: Long = 256L * 1024 * 1024

        /** The smallest [maxResponseBytes] accepted: 64 KiB. */
        public const val MIN_RESPONSE_BYTES: Long = 64L * 1024

        /**
         * Reads a config written by [toJson].
         * @throws ConfigurationException when the JSON is invalid, a value is invalid, or a secret was redacted.
         */
        @JvmStatic
        public fun fromJson(json: String): ClientConfig = ConfigJson.decode(json)

        /**
         * The warehouse ID in an HTTP path such as `/sql/1.0/warehouses/<id>` (or the older
         * `/sql/1.0/endpoints/<id>`).
         * @throws ConfigurationException when [httpPath] has neither form.
         */
        @JvmStatic
        public fun warehouseIdFromHttpPath(httpPath: String): String {
            val m = HTTP_PATH.matchEntire(httpPath.trim())
                ?: throw ConfigurationException("httpPath", "expected /sql/1.0/warehouses/<id>, was '$httpPath'")
            return m.groupValues[1]
        }

        private val HTTP_PATH = Regex("""/?sql/1\.0/(?:warehouses|endpoints)/([A-Za-z0-9_-]+)/?(?:\?.*)?""")

        internal fun normalizeHost(host: String): String {
            val withScheme = if (host.contains("://")) host else "https://$host"
            return withScheme.trimEnd('/')
        }

        /**
         * [host] for messages: user information (`user:pw@`), query and fragment removed, at most 200
         * characters. Messages never show more of a host than this.
         */
        internal fun shownHost(host: String): String {
            val scheme = if (host.contains("://")) host.substringBefore("://") + "://" else ""
            val rest = host.substringAfter("://")
            val authority = rest.takeWhile { it != '/' && it != '?' && it != '#' }
            val path = rest.substring(authority.length).takeWhile { it != '?' && it != '#' }
            return (scheme + authority.substringAfterLast('@') + path).take(200)
        }

        private fun validateHost(host: String) {
            if (host.isBlank()) throw ConfigurationException("host", "must not be blank")
            val shown = shownHost(host.trim())
            if (host.substringAfter("://").takeWhile { it != '/' && it != '?' && it != '#' }.contains('@')) {
                throw ConfigurationException("host", "must not contain a user name or password (give credentials in auth), was '$shown'")
            }
            val uri = try {
                URI(normalizeHost(host.trim()))
            } catch (e: Exception) {
                throw ConfigurationException("host", "not a valid URL: '$shown'")
            }
            val name = uri.host ?: throw ConfigurationException("host", "no host name in '$shown'")
            if (!uri.rawPath.isNullOrEmpty() || uri.rawQuery != null || uri.rawFragment != null || uri.rawUserInfo != null) {
                throw ConfigurationException("host", "must be only scheme, host and port (no path, query or user), was '$shown'")
            }
            when (uri.scheme?.lowercase()) {
                "https" -> Unit
                "http" -> if (!isLoopback(name)) {
                    throw ConfigurationException("host", "plain http is allowed only for loopback hosts (localhost, 127.0.0.1, ::1); use https://$name")
                }
                else -> throw ConfigurationException("host", "scheme must be https (or http for loopback), was '${uri.scheme}'")
            }
        }

        private fun isLoopback(name: String): Boolean {
            val n = name.removePrefix("[").removeSuffix("]").lowercase()
            if (n == "localhost") return true
            val literal = n.isNotEmpty() && (n.all { it.isDigit() || it == '.' } || n.contains(':'))
            return literal && runCatching { InetAddress.getByName(n).isLoopbackAddress }.getOrDefault(false)
        }
    }
}
