package dev.dbsql.warehouse

import dev.dbsql.warehouse.admin.AdminView
import dev.dbsql.warehouse.admin.RequestLog
import dev.dbsql.warehouse.auth.TokenRegistry
import dev.dbsql.warehouse.faults.FaultPlan
import dev.dbsql.warehouse.http.WarehouseServices
import dev.dbsql.warehouse.http.warehouseModule
import dev.dbsql.warehouse.links.LinkIssuer
import dev.dbsql.warehouse.links.LinkSigner
import dev.dbsql.warehouse.oauth.OAuthServer
import dev.dbsql.warehouse.results.ResultRenderer
import dev.dbsql.warehouse.staging.Staging
import dev.dbsql.warehouse.staging.StagingUrls
import dev.dbsql.warehouse.staging.VolumeStore
import dev.dbsql.warehouse.statements.StatementService
import dev.dbsql.warehouse.tls.TlsTerminator
import io.ktor.server.application.ApplicationCall
import io.ktor.server.cio.CIO
import io.ktor.server.cio.CIOApplicationEngine
import io.ktor.server.engine.EmbeddedServer
import io.ktor.server.engine.embeddedServer
import kotlinx.coroutines.CoroutineName
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.runBlocking
import org.slf4j.LoggerFactory
import java.security.SecureRandom
import java.time.Clock
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicReference

/**
 * A running local SQL warehouse: a Statement Execution API server (ktor CIO) in front of DuckDB,
 * started in-process with [start]. Everything it serves lives under [baseUrl]:
 * `/api/2.0/sql/...` (bearer token required; statements and sessions visible only to the token's
 * subject), signed result links under `/files/...`, OAuth under `/oidc/...` (off unless
 * [WarehouseConfig.oauth] registers clients), and the test-facing `/admin/...` ([adminToken] required).
 * The security model is in the module's README.
 *
 * Owns its server, engine, threads (a fixed query pool plus ktor's), and spill files; [close] stops
 * and frees all of them (idempotent, blocking for at most a few seconds). Thread-safe.
 */
class LocalWarehouse private constructor(
    /** The configuration it was started with. */
    val config: WarehouseConfig,
    /** `http://127.0.0.1:PORT` (or `https://…` with [WarehouseConfig.tls]); no trailing slash. */
    val baseUrl: String,
    /** The port clients connect to. */
    val port: Int,
    /** A personal access token the server accepts (configured or generated). Secret: do not log. */
    val token: String,
    /** The warehouse id in [httpPath] and in `warehouse_id` fields. */
    val warehouseId: String,
    /** Every bearer token the server accepts; add or revoke tokens at any time. */
    val tokens: TokenRegistry,
    /** The OAuth endpoints (`/oidc/...`) of this server; issued tokens land in [tokens]. */
    val oauth: OAuthServer,
    /** The fault plan: inject HTTP statuses, delays, broken bodies and early link expiry. */
    val faults: FaultPlan,
    /** Statements, request log and counters, for tests. */
    val admin: AdminView,
    /** The bearer token `/admin/...` requires (configured or generated). Secret: do not log. */
    val adminToken: String,
    private val resources: Resources,
) : AutoCloseable {

    /** `/sql/1.0/warehouses/<id>`, the `httpPath` of JDBC / ODBC / python connections. */
    val httpPath: String get() = "/sql/1.0/warehouses/$warehouseId"

    /** The CIO server's own port: [port] without TLS; in TLS mode a loopback port that serves only relayed connections. */
    internal val backendPort: Int get() = resources.backendPort

    /** Host name clients should use (the bound address; loopback for a wildcard bind). */
    val host: String get() = resources.urlHost

    /**
     * A databricks-jdbc URL in SEA mode for this server (protocol §15.1). Contains [token]: do not log.
     * With [bounded] the driver's second SEA mode is selected.
     */
    @JvmOverloads
    fun jdbcUrl(bounded: Boolean = false): String =
        "jdbc:databricks://$host:$port/default;ssl=${if (config.tls != null) 1 else 0};AuthMech=3;UID=token;" +
            "PWD=$token;httpPath=$httpPath;UseThriftClient=0;EnableTelemetry=0;" +
            "UseBoundedSeaApi=${if (bounded) 1 else 0};EnableThriftNativeMetadata=${if (bounded) 1 else 0}"

    /** Stops the server, cancels running statements, closes the engine and deletes spill files. Idempotent. */
    override fun close() {
        if (!resources.closed.compareAndSet(false, true)) return
        resources.close()
    }

    override fun toString(): String = "LocalWarehouse(baseUrl=$baseUrl, warehouseId=$warehouseId)"

    internal class Resources(
        val urlHost: String,
        val backendPort: Int,
        private val server: EmbeddedServer<CIOApplicationEngine, CIOApplicationEngine.Configuration>,
        private val tls: TlsTerminator?,
        private val statements: StatementService,
        private val scope: CoroutineScope,
        private val engine: EngineBinding,
        private val staging: AutoCloseable? = null,
    ) {
        val closed = AtomicBoolean(false)

        fun close() {
            runCatching { tls?.close() }.onFailure { log.warn("stopping TLS failed", it) }
            runCatching { server.stop(100, 2_000) }.onFailure { log.warn("stopping the server failed", it) }
            runCatching { statements.close() }.onFailure { log.warn("closing statements failed", it) }
            scope.cancel()
            runCatching { engine.close() }.onFailure { log.warn("closing the engine failed", it) }
            runCatching { staging?.close() }.onFailure { log.warn("closing the volume store failed", it) }
        }
    }

    companion object {
        private val log = LoggerFactory.getLogger(LocalWarehouse::class.java)

        /** Starts a warehouse with [config] (port 0: a free port on 127.0.0.1) and returns once it listens. */
        @JvmStatic
        @JvmOverloads
        fun start(config: WarehouseConfig = WarehouseConfig()): LocalWarehouse {
            val clock = Clock.systemUTC()
            val token = config.token ?: ("dapi" + randomHex(16))
            val adminToken = config.adminToken ?: ("dadm" + randomHex(16))
            val warehouseId = config.warehouseId ?: randomHex(8)
            val tokens = TokenRegistry(clock).apply { addStatic(token, TokenRegistry.PAT_SUBJECT) }
            val engine = EngineBinding(config)
            val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default + CoroutineName("local-warehouse"))
            var staging: Staging? = null
            try {
                val baseUrl = AtomicReference("http://${config.host}:${config.port}")
                val faults = FaultPlan()
                staging = Staging(VolumeStore.open(config.volumes), StagingUrls(clock, config.volumes, { baseUrl.get() }))
                val statements = StatementService(config, staging.contexts(engine.opener), scope, clock, faults)
                val signer = LinkSigner()
                val issuer = LinkIssuer(signer, config.linkLifetime, config.linkHeaders, clock) { linkBase(baseUrl.get(), config.linkHost) }
                val admin = AdminView({ statements }, RequestLog(config.requestLogCapacity))
                val services = WarehouseServices(
                    config, warehouseId, tokens, statements, ResultRenderer(config, issuer), signer, faults, admin, clock, adminToken,
                    staging,
                )
                val oauth = OAuthServer(tokens, config.oauth, clock).apply { bodyLimits = services.bodyLimits }
                val tlsConfig = config.tls
                // In TLS mode the CIO server listens on a private loopback port and serves only the
                // connections the terminator relays (see TlsTerminator.isRelayed): no plain-HTTP side door.
                val terminator = AtomicReference<TlsTerminator?>()
                val relayedOnly: ((ApplicationCall) -> Boolean)? = if (tlsConfig == null) null else { call ->
                    terminator.get()?.isRelayed(call.request.local.remotePort) == true
                }
                val server = embeddedServer(
                    CIO,
                    port = if (tlsConfig != null) 0 else config.port,
                    host = if (tlsConfig != null) "127.0.0.1" else config.host,
                ) { warehouseModule(services, oauth, relayedOnly) { baseUrl.get() } }
                server.start(wait = false)
                val boundPort = runBlocking { server.engine.resolvedConnectors().first().port }
                val tls = tlsConfig?.let { TlsTerminator(it, config.host, config.port, boundPort) }
                terminator.set(tls)
                val port = tls?.port ?: boundPort
                val urlHost = urlHost(config.host)
                baseUrl.set("${if (tls != null) "https" else "http"}://$urlHost:$port")
                log.info("local warehouse {} listening on {}", warehouseId, baseUrl.get())
                return LocalWarehouse(
                    config, baseUrl.get(), port, token, warehouseId, tokens, oauth, faults, admin, adminToken,
                    Resources(urlHost, boundPort, server, tls, statements, scope, engine, staging),
                )
            } catch (e: Throwable) {
                scope.cancel()
                runCatching { engine.close() }
                runCatching { staging?.close() }
                throw e
            }
        }

        /** [base] with its host replaced by [linkHost] (when given): where external links point. */
        private fun linkBase(base: String, linkHost: String?): String {
            if (linkHost == null) return base
            val scheme = base.substringBefore("://")
            val port = base.substringAfterLast(':')
            return "$scheme://$linkHost:$port"
        }

        private fun urlHost(host: String): String = when {
            host == "0.0.0.0" || host == "::" -> "127.0.0.1"
            host.contains(':') -> "[$host]"
            else -> host
        }

        private fun randomHex(bytes: Int): String {
            val b = ByteArray(bytes).also { SecureRandom().nextBytes(it) }
            return b.joinToString("") { "%02x".format(it) }
        }
    }
}
