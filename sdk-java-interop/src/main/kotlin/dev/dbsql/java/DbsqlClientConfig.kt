package dev.dbsql.java

import dev.dbsql.auth.AccessToken
import dev.dbsql.auth.AuthConfig
import dev.dbsql.auth.CredentialsException
import dev.dbsql.auth.CredentialsProvider
import dev.dbsql.auth.SecretRef
import dev.dbsql.auth.WorkspaceSettings
import dev.dbsql.core.AuthenticationException
import dev.dbsql.core.CancellationPolicy
import dev.dbsql.core.ClientConfig
import dev.dbsql.core.ClientConfigBuilder
import dev.dbsql.core.PemSource
import dev.dbsql.core.DownloadConfig
import dev.dbsql.core.ProxyConfig
import dev.dbsql.core.RetryPolicy
import dev.dbsql.core.Timeouts
import dev.dbsql.core.TlsConfig
import kotlinx.coroutines.future.await
import java.nio.file.Path
import java.time.Duration
import java.util.concurrent.CompletableFuture
import java.util.function.Supplier
import kotlin.time.toKotlinDuration

/**
 * The configuration of a [DbsqlClient], built from Java with [builder]:
 * ```java
 * DbsqlClientConfig config = DbsqlClientConfig.builder()
 *     .host("https://my-workspace.cloud.databricks.com")
 *     .httpPath("/sql/1.0/warehouses/abc123")          // or .warehouseId("abc123")
 *     .tokenFromEnv("DATABRICKS_TOKEN")
 *     .connectTimeout(Duration.ofSeconds(5))
 *     .build();
 * ```
 * A thin wrapper of the core `ClientConfig`: every rule (validation, defaults, secret redaction)
 * lives there. Immutable and thread-safe. [toString] and [toJson] never show inline secrets.
 */
public class DbsqlClientConfig private constructor(
    /** The core configuration this wraps (Kotlin callers). */
    @get:JvmSynthetic public val clientConfig: ClientConfig,
    /** The caller's credentials provider set with [Builder.credentials], if any (Kotlin callers). */
    @get:JvmSynthetic public val credentials: CredentialsProvider? = null,
) {
    /** The workspace URL as configured. */
    @get:JvmName("host")
    public val host: String get() = clientConfig.host

    /** The SQL warehouse ID. */
    @get:JvmName("warehouseId")
    public val warehouseId: String get() = clientConfig.warehouseId

    /** The configuration as JSON with inline secrets redacted; read it back with [fromJson]. */
    public fun toJson(): String = clientConfig.toJson()

    /** The configuration as JSON; [includeSecrets] writes inline secrets in clear (trusted transport only). */
    public fun toJson(includeSecrets: Boolean): String = clientConfig.toJson(includeSecrets)

    override fun toString(): String = clientConfig.toString()

    override fun equals(other: Any?): Boolean =
        other is DbsqlClientConfig && other.clientConfig == clientConfig && other.credentials === credentials

    override fun hashCode(): Int = clientConfig.hashCode()

    public companion object {
        /** An empty builder: set at least the host, the warehouse and the credentials. */
        @JvmStatic
        public fun builder(): Builder = Builder()

        /**
         * A builder filled from the `DATABRICKS_*` environment variables, else the `~/.databrickscfg`
         * profile (see `WorkspaceSettings.resolve`): host, warehouse (when named there) and a
         * credentials *reference* (no secret is copied into the config).
         *
         * @throws dev.dbsql.core.AuthenticationException listing each source tried and why it did
         *   not apply (its cause is the auth module's `CredentialsException`).
         */
        @JvmStatic
        public fun fromEnvironment(): Builder = Builder().settings(resolving { WorkspaceSettings.resolve() })

        /**
         * Like [fromEnvironment], from the config-file profile [profile].
         * @throws dev.dbsql.core.AuthenticationException when the profile is missing or unreadable.
         */
        @JvmStatic
        public fun fromProfile(profile: String): Builder = Builder().settings(resolving { WorkspaceSettings.resolve(profile = profile) })

        private inline fun resolving(resolve: () -> WorkspaceSettings): WorkspaceSettings = try {
            resolve()
        } catch (e: CredentialsException) {
            throw AuthenticationException("cannot find the workspace settings: ${e.message}", e)
        }

        /**
         * Reads a configuration written by [toJson].
         * @throws dev.dbsql.core.ConfigurationException when the JSON or a value is invalid, or a secret was redacted.
         */
        @JvmStatic
        public fun fromJson(json: String): DbsqlClientConfig = DbsqlClientConfig(ClientConfig.fromJson(json))

        /** Wraps a configuration built in Kotlin. */
        @JvmSynthetic
        public fun of(config: ClientConfig): DbsqlClientConfig = DbsqlClientConfig(config)

        /** Wraps a configuration built in Kotlin, with the caller's [credentials] (never closed by the SDK). */
        @JvmSynthetic
        public fun of(config: ClientConfig, credentials: CredentialsProvider): DbsqlClientConfig = DbsqlClientConfig(config, credentials)
    }

    /**
     * Collects settings for [build]; every setter returns this builder. Not thread-safe.
     * Values are checked by [build], which throws a `ConfigurationException` naming the first bad field.
     */
    public class Builder internal constructor() {
        private val core = ClientConfigBuilder()
        private var connect: Duration? = null
        private var request: Duration? = null
        private var socket: Duration? = null
        private var maxAttempts: Int? = null
        private var retryTime: Duration? = null
        private var baseDelay: Duration? = null
        private var maxDelay: Duration? = null
        private var customCa: PemSource? = null
        private var clientCertificate: PemSource? = null
        private var clientKey: PemSource? = null
        private var credentials: CredentialsProvider? = null
        private var closeCancelBudget: Duration? = null
        private var cancelOnShutdown: Boolean? = null
        private var shutdownCancelBudget: Duration? = null
        private var downloadProxy: ProxyConfig? = null
        private var downloadCa: PemSource? = null
        private var downloadConnect: Duration? = null
        private var downloadSocket: Duration? = null
        private var downloadMaxConcurrency: Int? = null

        /** The workspace URL, `https://<host>[:port]` (plain http only for loopback hosts). */
        public fun host(host: String): Builder = apply { core.host = host }

        /** The SQL warehouse ID. Set this or [httpPath]. */
        public fun warehouseId(warehouseId: String): Builder = apply { core.warehouse = warehouseId }

        /** The warehouse's HTTP path, `/sql/1.0/warehouses/<id>`. Set this or [warehouseId]. */
        public fun httpPath(httpPath: String): Builder = apply { core.httpPath = httpPath }

        /** A personal access token given inline (redacted in `toString` and JSON). */
        public fun token(token: String): Builder = auth(AuthConfig.Pat(SecretRef.Inline(token)))

        /** A personal access token read from the environment variable [variable] when the client is created. */
        public fun tokenFromEnv(variable: String): Builder = auth(AuthConfig.Pat(SecretRef.Env(variable)))

        /** Any credentials of the auth module (PAT, OAuth M2M / U2M, profile, environment, default chain). */
        public fun auth(auth: AuthConfig): Builder = apply {
            core.auth = auth
            credentials = null
        }

        /**
         * A credentials provider of the caller's, used as it is and never closed by the SDK, e.g. a
         * `PersonalAccessTokenProvider` whose `update(token)` rotates the token of a running client:
         * ```java
         * PersonalAccessTokenProvider pat = new PersonalAccessTokenProvider(token);
         * DbsqlClientConfig config = DbsqlClientConfig.builder()...credentials(pat).build();
         * pat.update(newToken);   // calls that start afterwards send the new token
         * ```
         * Such a config cannot be written as JSON. Replaces earlier credentials settings.
         */
        public fun credentials(provider: CredentialsProvider): Builder = apply {
            core.auth = AuthConfig.External(provider.name) { provider.token() }
            credentials = provider
        }

        /**
         * Tokens from [supplier], called when a token is needed: at the first call and again after
         * the server refused the last one. It runs on a thread of the credentials provider and must not
         * block: return a future that completes later. A failed or empty future fails the call with an
         * `AuthenticationException`. Such a config cannot be written as JSON.
         */
        public fun externalToken(supplier: Supplier<CompletableFuture<String>>): Builder = externalToken("external", supplier)

        /** Like [externalToken] with a [name] for error messages. */
        public fun externalToken(name: String, supplier: Supplier<CompletableFuture<String>>): Builder =
            auth(AuthConfig.External(name) { AccessToken(supplier.get().await()) })

        /**
         * Like [externalToken], for tokens with a known expiry: a token is reused until it turns
         * stale, then refreshed through [supplier] ahead of time.
         */
        public fun externalAccessToken(name: String, supplier: Supplier<CompletableFuture<AccessToken>>): Builder =
            auth(AuthConfig.External(name) { supplier.get().await() })

        /** Default catalog of statements run outside a session. */
        public fun catalog(catalog: String?): Builder = apply { core.catalog = catalog }

        /** Default schema of statements run outside a session. */
        public fun schema(schema: String?): Builder = apply { core.schema = schema }

        /** Time to open a connection (default 10 s). */
        public fun connectTimeout(timeout: Duration): Builder = apply { connect = timeout }

        /** Time for a whole request, body included (default 2 min; must exceed the 50 s longest server wait). */
        public fun requestTimeout(timeout: Duration): Builder = apply { request = timeout }

        /** Longest silence while reading or writing (default 70 s). */
        public fun socketTimeout(timeout: Duration): Builder = apply { socket = timeout }

        /** Sends of one request at most, first one included (default 6; 1 means no retries). */
        public fun maxRetryAttempts(attempts: Int): Builder = apply { maxAttempts = attempts }

        /** Time budget of one request's retries (default 2 min). */
        public fun retryTimeout(timeout: Duration): Builder = apply { retryTime = timeout }

        /** The exponential backoff between retries: starts at [base] (default 200 ms), capped at [max] (default 10 s). */
        public fun retryBackoff(base: Duration, max: Duration): Builder = apply {
            baseDelay = base
            maxDelay = max
        }

        /** An HTTP proxy for API calls and downloads. */
        public fun proxy(host: String, port: Int): Builder = proxy(host, port, emptyList())

        /** An HTTP proxy, with host names (exact, `.suffix` or `*.suffix`) reached directly. */
        public fun proxy(host: String, port: Int, noProxy: List<String>): Builder =
            apply { core.proxy = ProxyConfig(host, port, noProxy = noProxy) }

        /** Extra trusted CA certificates, a PEM file read when the client is created. */
        public fun customCa(pemFile: Path): Builder = apply { customCa = PemSource.File(pemFile.toString()) }

        /** A client certificate chain and its PKCS#8 private key (PEM files) for mutual TLS. */
        public fun clientCertificate(certificatePem: Path, privateKeyPem: Path): Builder = apply {
            clientCertificate = PemSource.File(certificatePem.toString())
            clientKey = PemSource.File(privateKeyPem.toString())
        }

        /** Extra trusted CA certificates given as PEM text (e.g. from a secret store). */
        public fun customCaPem(pem: String): Builder = apply { customCa = PemSource.Inline(pem) }

        /**
         * A client certificate chain and its PKCS#8 private key given as PEM text, for mutual TLS.
         * The key is redacted in `toString` and JSON.
         */
        public fun clientCertificatePem(certificatePem: String, privateKeyPem: String): Builder = apply {
            clientCertificate = PemSource.Inline(certificatePem)
            clientKey = PemSource.Inline(privateKeyPem)
        }

        /**
         * All TLS settings at once (the core `TlsConfig`); replaces what [customCa], [customCaPem],
         * [clientCertificate] and [clientCertificatePem] set, and is replaced by them when they come later.
         */
        public fun tls(tls: TlsConfig): Builder = apply {
            customCa = tls.customCa
            clientCertificate = tls.clientCertificate
            clientKey = tls.clientKey
        }

        /**
         * An HTTP proxy for result downloads only (the storage host), with host names reached
         * directly (`*` for all: downloads go direct while API calls use [proxy]). Default: the API's proxy.
         */
        public fun downloadProxy(host: String, port: Int, noProxy: List<String>): Builder =
            apply { downloadProxy = ProxyConfig(host, port, noProxy = noProxy) }

        /** Extra trusted CA certificates (a PEM file) for the storage host. Default: the API's [customCa]. */
        public fun downloadCustomCa(pemFile: Path): Builder = apply { downloadCa = PemSource.File(pemFile.toString()) }

        /** Connect and socket timeouts of result downloads. Default: the API's. */
        public fun downloadTimeouts(connect: Duration, socket: Duration): Builder = apply {
            downloadConnect = connect
            downloadSocket = socket
        }

        /** Caps the downloads one result stream runs at once (1..256). Default: no cap. */
        public fun downloadMaxConcurrency(max: Int): Builder = apply { downloadMaxConcurrency = max }

        /** Appended to the User-Agent, e.g. `my-app/1.2`. */
        public fun userAgentSuffix(suffix: String?): Builder = apply { core.userAgentSuffix = suffix }

        /** The largest API response body read (default 256 MiB); see `ClientConfig.maxResponseBytes`. */
        public fun maxResponseBytes(bytes: Long): Builder = apply { core.maxResponseBytes = bytes }

        /**
         * How long closing the client waits for server-side cancels still pending (default 15 s);
         * see `CancellationPolicy.closeBudget`.
         */
        public fun closeCancelBudget(budget: Duration): Builder = apply { closeCancelBudget = budget }

        /**
         * Whether the client installs a JVM shutdown hook that closes it and waits up to [budget]
         * (default 5 s) for its pending server-side cancels (default on); see `CancellationPolicy`.
         */
        public fun cancelOnShutdown(enabled: Boolean, budget: Duration): Builder = apply {
            cancelOnShutdown = enabled
            shutdownCancelBudget = budget
        }

        /** Like [cancelOnShutdown] with the default budget. */
        public fun cancelOnShutdown(enabled: Boolean): Builder = apply { cancelOnShutdown = enabled }

        /**
         * The configuration.
         * @throws dev.dbsql.core.ConfigurationException naming the first invalid or missing field.
         */
        public fun build(): DbsqlClientConfig {
            val t = Timeouts()
            core.timeouts = Timeouts(
                connect?.toKotlinDuration() ?: t.connect,
                request?.toKotlinDuration() ?: t.request,
                socket?.toKotlinDuration() ?: t.socket,
            )
            val r = RetryPolicy()
            core.retry = RetryPolicy(
                maxAttempts ?: r.maxAttempts,
                retryTime?.toKotlinDuration() ?: r.maxTotalTime,
                baseDelay?.toKotlinDuration() ?: r.baseDelay,
                maxDelay?.toKotlinDuration() ?: r.maxDelay,
            )
            core.tls = TlsConfig(customCa, clientCertificate, clientKey)
            val c = CancellationPolicy()
            core.cancellation = CancellationPolicy(
                closeCancelBudget?.toKotlinDuration() ?: c.closeBudget,
                cancelOnShutdown ?: c.cancelOnShutdown,
                shutdownCancelBudget?.toKotlinDuration() ?: c.shutdownBudget,
            )
            val downloadTimeouts = if (downloadConnect == null) null else Timeouts(
                downloadConnect!!.toKotlinDuration(), core.timeouts.request, downloadSocket!!.toKotlinDuration(),
            )
            core.downloads = DownloadConfig(downloadProxy, downloadCa, downloadTimeouts, downloadMaxConcurrency)
            return DbsqlClientConfig(core.build(), credentials)
        }

        internal fun settings(settings: WorkspaceSettings): Builder = apply {
            core.host = settings.host
            core.warehouse = settings.warehouseId
            auth(settings.auth)
        }
    }
}
