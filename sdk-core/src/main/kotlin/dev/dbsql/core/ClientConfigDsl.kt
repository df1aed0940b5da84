package dev.dbsql.core

import dev.dbsql.auth.AuthConfig
import dev.dbsql.auth.SecretRef

/** Marks the configuration DSL so inner blocks cannot reach outer receivers by accident. */
@DslMarker
public annotation class ClientConfigDslMarker

/**
 * Builds a [ClientConfig]:
 * ```
 * val config = clientConfig {
 *     host = "https://my-workspace.cloud.databricks.com"
 *     httpPath = "/sql/1.0/warehouses/abc123"      // or: warehouse = "abc123"
 *     auth = pat(SecretRef.Env("DATABRICKS_TOKEN"))
 *     retry { maxAttempts = 4 }
 * }
 * ```
 * @throws ConfigurationException naming the first invalid or missing field.
 */
public fun clientConfig(block: ClientConfigBuilder.() -> Unit): ClientConfig = ClientConfigBuilder().apply(block).build()

/** The mutable builder behind [clientConfig]; also usable from Java. Not thread-safe. */
@ClientConfigDslMarker
public class ClientConfigBuilder {
    public var host: String? = null

    /** The warehouse ID. Set this or [httpPath]. */
    public var warehouse: String? = null

    /** The warehouse's HTTP path, `/sql/1.0/warehouses/<id>`. Set this or [warehouse]. */
    public var httpPath: String? = null
    public var auth: AuthConfig? = null
    public var catalog: String? = null
    public var schema: String? = null
    public var timeouts: Timeouts = Timeouts()
    public var retry: RetryPolicy = RetryPolicy()
    public var proxy: ProxyConfig? = null
    public var tls: TlsConfig = TlsConfig()
    public var userAgentSuffix: String? = null

    /** See [ClientConfig.maxResponseBytes]. */
    public var maxResponseBytes: Long = ClientConfig.DEFAULT_MAX_RESPONSE_BYTES

    /** See [ClientConfig.cancellation]. */
    public var cancellation: CancellationPolicy = CancellationPolicy()
    /** See [ClientConfig.downloads]. */
    public var downloads: DownloadConfig = DownloadConfig()

    /** A personal access token given inline (redacted in JSON and `toString`). */
    public fun pat(token: String): AuthConfig = AuthConfig.Pat(SecretRef.Inline(token))

    /** A personal access token read from [ref] when the client starts. */
    public fun pat(ref: SecretRef): AuthConfig = AuthConfig.Pat(ref)

    public fun timeouts(block: TimeoutsBuilder.() -> Unit) {
        timeouts = TimeoutsBuilder(timeouts).apply(block).build()
    }

    public fun retry(block: RetryPolicyBuilder.() -> Unit) {
        retry = RetryPolicyBuilder(retry).apply(block).build()
    }

    public fun build(): ClientConfig {
        val h = host ?: throw ConfigurationException("host", "is required")
        val id = when {
            warehouse != null && httpPath != null -> {
                val fromPath = ClientConfig.warehouseIdFromHttpPath(httpPath!!)
                if (fromPath != warehouse) throw ConfigurationException("httpPath", "names warehouse '$fromPath' but warehouse is '$warehouse'")
                fromPath
            }
            warehouse != null -> warehouse!!
            httpPath != null -> ClientConfig.warehouseIdFromHttpPath(httpPath!!)
            else -> throw ConfigurationException("warehouseId", "is required (set warehouse or httpPath)")
        }
        val a = auth ?: throw ConfigurationException("auth", "is required (e.g. auth = pat(SecretRef.Env(\"DATABRICKS_TOKEN\")))")
        return ClientConfig(h, id, a, catalog, schema, timeouts, retry, proxy, tls, userAgentSuffix, maxResponseBytes, cancellation, downloads)
    }
}

/** Builder for [Timeouts]. */
@ClientConfigDslMarker
public class TimeoutsBuilder internal constructor(from: Timeouts) {
    public var connect: kotlin.time.Duration = from.connect
    public var request: kotlin.time.Duration = from.request
    public var socket: kotlin.time.Duration = from.socket
    internal fun build() = Timeouts(connect, request, socket)
}

/** Builder for [RetryPolicy]. */
@ClientConfigDslMarker
public class RetryPolicyBuilder internal constructor(from: RetryPolicy) {
    public var maxAttempts: Int = from.maxAttempts
    public var maxTotalTime: kotlin.time.Duration = from.maxTotalTime
    public var baseDelay: kotlin.time.Duration = from.baseDelay
    public var maxDelay: kotlin.time.Duration = from.maxDelay
    internal fun build() = RetryPolicy(maxAttempts, maxTotalTime, baseDelay, maxDelay)
}
