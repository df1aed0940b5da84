package dev.dbsql.warehouse

import dev.dbsql.warehouse.oauth.OAuthSettings
import dev.dbsql.warehouse.staging.VolumeSettings
import java.nio.file.Path
import java.time.Duration

/**
 * Everything a [LocalWarehouse] can be told at start. Immutable; every field has a default that
 * behaves like a real Databricks SQL warehouse (1 h result retention, 15 min link lifetime, 25 MiB
 * inline cap, 10 s default wait).
 *
 * Secrets ([token], TLS passwords) never appear in [toString].
 */
public data class WarehouseConfig(
    /** TCP port; 0 picks a free one. */
    val port: Int = 0,
    /** Address to bind; loopback by default. */
    val host: String = "127.0.0.1",
    /** The personal access token the server accepts; null generates a random `dapi…` token. */
    val token: String? = null,
    /** The warehouse id clients must name (`/sql/1.0/warehouses/<id>`); null generates one. */
    val warehouseId: String? = null,
    /** Upper bound of rows per result chunk (external links and hybrid results). */
    val chunkRows: Int = 100_000,
    /** Upper bound of uncompressed bytes per result chunk (approximate, see the engine contract). */
    val chunkBytes: Long = 16L * 1024 * 1024,
    /**
     * Rows per page of INLINE JSON_ARRAY results. The default (no limit) puts the whole result in
     * chunk 0, which is what the official clients expect; a small value makes the server answer with
     * `next_chunk_index` / `next_chunk_internal_link` pages.
     */
    val inlinePageRows: Int = Int.MAX_VALUE,
    /** INLINE results larger than this (uncompressed) make the statement FAILED (Databricks: 25 MiB). */
    val inlineMaxBytes: Long = 25L * 1024 * 1024,
    /**
     * Hybrid disposition (`INLINE_OR_EXTERNAL_LINKS`): a result with one chunk whose stored size is at
     * most this many bytes is answered inline (`attachment` / `data_array`); anything else with links.
     */
    val hybridInlineMaxBytes: Long = 1L * 1024 * 1024,
    /** How many links the chunk endpoint returns per call for plain EXTERNAL_LINKS (starting at the index asked for). */
    val linksPerChunkResponse: Int = 1,
    /** Lifetime of an external link (Databricks: at most 15 min). */
    val linkLifetime: Duration = Duration.ofMinutes(15),
    /** How long a finished statement's result stays fetchable (Databricks: 1 h); afterwards the statement is CLOSED. */
    val resultRetention: Duration = Duration.ofHours(1),
    /** When true every link carries `http_headers` that the download must echo, or it is refused with 403. */
    val linkHeaders: Boolean = false,
    /** Threads running queries; statements beyond them wait as PENDING. */
    val executorThreads: Int = 4,
    /** Serve HTTPS with this key material instead of HTTP. */
    val tls: TlsConfig? = null,
    /**
     * The host name written into external links instead of the server's own (same listener and
     * port), e.g. `localhost` while clients use `127.0.0.1`: gives the storage hop its own host
     * name, as in Databricks, for proxy and no-proxy tests. null: the server's host.
     */
    val linkHost: String? = null,
    /** OAuth clients and token lifetimes for the `/oidc/...` endpoints. */
    val oauth: OAuthSettings = OAuthSettings(),
    /** Where result chunks are spilled; null uses a fresh temporary directory deleted on close. */
    val spillDirectory: Path? = null,
    /** Entries kept in the request log (oldest dropped first). */
    val requestLogCapacity: Int = 10_000,
    /**
     * The bearer token `/admin/...` requires; null generates a random one at start
     * ([LocalWarehouse.adminToken]). The in-process API ([LocalWarehouse.admin], [LocalWarehouse.faults])
     * needs none. Secret: never in [toString].
     */
    val adminToken: String? = null,
    /** Largest request body read from the wire (bigger: 413 before it is read). Databricks caps a statement at 16 MiB. */
    val maxRequestBodyBytes: Long = 16L * 1024 * 1024,
    /** Largest request body after `Content-Encoding: gzip` is decoded (bigger: 413, decoding stops there). */
    val maxDecodedBodyBytes: Long = 32L * 1024 * 1024,
    /** How long the server waits for a whole request body (slower: 408 and the connection is closed). */
    val bodyReadTimeout: Duration = Duration.ofSeconds(30),
    /** Unity Catalog volume files for staging operations (PUT / GET / REMOVE / LIST on `/Volumes/...`). */
    val volumes: VolumeSettings = VolumeSettings(),
    /** How long after it was received a statement first shows in Query History (real history lags by seconds). */
    val historyLag: Duration = Duration.ZERO,
    /**
     * A statement not polled (status, result or chunk request of its owner) for this long is
     * abandoned: a queued or running one is interrupted and closed, a finished one closed. Real
     * warehouses do so after 15 minutes; null (the default) never abandons.
     */
    val idleLimit: Duration? = null,
) {
    init {
        require(port in 0..65535) { "port must be in 0..65535, was $port" }
        require(chunkRows > 0) { "chunkRows must be > 0" }
        require(chunkBytes > 0) { "chunkBytes must be > 0" }
        require(inlinePageRows > 0) { "inlinePageRows must be > 0" }
        require(linksPerChunkResponse > 0) { "linksPerChunkResponse must be > 0" }
        require(!linkLifetime.isNegative && !linkLifetime.isZero) { "linkLifetime must be positive" }
        require(!resultRetention.isNegative && !resultRetention.isZero) { "resultRetention must be positive" }
        require(executorThreads > 0) { "executorThreads must be > 0" }
        require(!historyLag.isNegative) { "historyLag must not be negative" }
        require(idleLimit == null || (!idleLimit.isNegative && !idleLimit.isZero)) { "idleLimit must be positive" }
        require(maxRequestBodyBytes > 0) { "maxRequestBodyBytes must be > 0" }
        require(maxDecodedBodyBytes > 0) { "maxDecodedBodyBytes must be > 0" }
        require(!bodyReadTimeout.isNegative && !bodyReadTimeout.isZero) { "bodyReadTimeout must be positive" }
        require(adminToken == null || adminToken.isNotBlank()) { "adminToken must not be blank" }
        require(linkHost == null || (linkHost.isNotBlank() && linkHost.none { it == '/' || it == '@' || it == ':' || it.isWhitespace() })) {
            "linkHost must be a host name"
        }
    }

    override fun toString(): String =
        "WarehouseConfig(port=$port, host=$host, token=${if (token == null) "generated" else "***"}, " +
            "warehouseId=$warehouseId, chunkRows=$chunkRows, chunkBytes=$chunkBytes, inlinePageRows=$inlinePageRows, " +
            "inlineMaxBytes=$inlineMaxBytes, hybridInlineMaxBytes=$hybridInlineMaxBytes, " +
            "linksPerChunkResponse=$linksPerChunkResponse, linkLifetime=$linkLifetime, resultRetention=$resultRetention, " +
            "linkHeaders=$linkHeaders, linkHost=$linkHost, executorThreads=$executorThreads, tls=$tls, spillDirectory=$spillDirectory, oauth=$oauth, " +
            "adminToken=${if (adminToken == null) "generated" else "***"}, maxRequestBodyBytes=$maxRequestBodyBytes, " +
            "maxDecodedBodyBytes=$maxDecodedBodyBytes, bodyReadTimeout=$bodyReadTimeout, volumes=$volumes, historyLag=$historyLag, idleLimit=$idleLimit)"
}

/**
 * Key material for HTTPS: a PKCS12 (or JKS) key store holding one private key with its certificate.
 * See [dev.dbsql.warehouse.tls.SelfSignedCertificate] for a ready-made one for 127.0.0.1 / localhost.
 */
public class TlsConfig(
    public val keyStorePath: Path,
    password: CharArray,
    /** Alias of the key entry; null uses the first key entry. */
    public val keyAlias: String? = null,
    /** Key store type as `java.security.KeyStore.getInstance` knows it. */
    public val keyStoreType: String = "PKCS12",
    /**
     * Mutual TLS: when not empty, the server requires a client certificate issued by (or equal to)
     * one of these and refuses the handshake without one.
     */
    public val trustedClientCertificates: List<java.security.cert.X509Certificate> = emptyList(),
) {
    /** Whether the server requires a client certificate. */
    public val requiresClientCertificate: Boolean get() = trustedClientCertificates.isNotEmpty()

    private val secret: CharArray = password.copyOf()

    /** A copy of the key store password. */
    public fun password(): CharArray = secret.copyOf()

    override fun toString(): String =
        "TlsConfig(keyStorePath=$keyStorePath, keyAlias=$keyAlias, password=***, requiresClientCertificate=$requiresClientCertificate)"
}
