package dev.dbsql.core

import kotlinx.serialization.Serializable

/**
 * Network settings of result downloads (CloudFetch: external links to the cloud-storage host),
 * each defaulting to the API's when null. Corporate networks often treat the storage host
 * differently from the workspace host; this is where that is said.
 *
 * @property proxy the proxy for link downloads; null uses [ClientConfig.proxy]. Its `noProxy` list
 *   is matched against each link's host. To download directly while API calls use a proxy, give a
 *   proxy whose `noProxy` is `["*"]`.
 * @property customCa extra trusted CA certificates (PEM) for the storage host, added to the JVM's
 *   default trust store; null uses `tls.customCa`. The client certificate of `tls` (mutual TLS)
 *   is offered to a storage host that asks for one, as to the workspace.
 * @property timeouts connect and socket timeouts of downloads; null uses [ClientConfig.timeouts].
 *   (A download's whole-request and idle limits are the result stream's `chunkTimeout` and
 *   `downloadIdleTimeout`.)
 * @property maxConcurrency caps the downloads one result stream runs at once (its `concurrency`
 *   option is lowered to this); null: no cap beyond the stream's option.
 */
@Serializable
public data class DownloadConfig(
    val proxy: ProxyConfig? = null,
    val customCa: PemSource? = null,
    val timeouts: Timeouts? = null,
    val maxConcurrency: Int? = null,
) {
    init {
        if (maxConcurrency != null && maxConcurrency !in 1..256) {
            throw ConfigurationException("downloads.maxConcurrency", "must be in 1..256, was $maxConcurrency")
        }
    }
}
