package dev.dbsql.core

import dev.dbsql.auth.CredentialsContext
import dev.dbsql.auth.CredentialsFactory
import dev.dbsql.auth.CredentialsProvider
import dev.dbsql.core.internal.ApiTransport
import dev.dbsql.core.internal.DownloadClients
import dev.dbsql.core.internal.HttpClients
import dev.dbsql.core.internal.PendingCancels
import dev.dbsql.core.internal.ShutdownCancels
import dev.dbsql.core.internal.SdkVersion
import dev.dbsql.core.internal.SessionOps
import dev.dbsql.core.internal.StatementRunner
import dev.dbsql.core.internal.TlsMaterial
import io.ktor.client.HttpClient
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CompletableJob
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineName
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.async
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.withContext
import org.slf4j.LoggerFactory
import java.util.concurrent.atomic.AtomicBoolean
import kotlin.coroutines.EmptyCoroutineContext

/**
 * A client for one SQL warehouse. Create one per warehouse and share it: it is thread-safe and
 * holds a connection pool.
 *
 * **Ownership.** The client owns one ktor `HttpClient` (CIO engine) for API calls and OAuth
 * requests, one or two for result downloads (no `Authorization` header; through the download proxy
 * and direct, see [DownloadConfig]), and a [CoroutineScope] with a `SupervisorJob` in which
 * every call runs. By default that scope is its own (on [Dispatchers.Default]); given a [scope],
 * the client's job becomes a child of the caller's job (cancelling the caller's scope closes the
 * client), and [dispatcher] replaces the dispatcher. A [credentials] provider passed in is never
 * closed by the client; one it creates from [ClientConfig.auth] is closed with it if closeable.
 *
 * **Cancellation.** Cancelling a coroutine that is in [execute] or [await] (or `withTimeout`
 * around it) completes at once; the statement is cancelled on the server in the background, in
 * the client's scope (best effort, bounded to a few seconds): when its ID is known, right away;
 * when the caller was cancelled during the first request of [execute] / [submit], whose answer
 * carries the ID, as soon as that answer arrives. See `sdk-core/docs/scopes.md` and
 * [CancellationPolicy].
 *
 * **Closing.** [close] is idempotent and returns at once: it fails new calls with
 * [ClientClosedException], cancels calls in flight (they fail with [ClientClosedException]; their
 * statements are cancelled on the server) and closes the HTTP clients as soon as that in-flight
 * work and the pending server-side cancels have finished, or [CancellationPolicy.closeBudget]
 * passed. [closeAndJoin] also waits for that. Unless [CancellationPolicy.cancelOnShutdown] is off,
 * the client installs a JVM shutdown hook (removed when it is closed) that closes it and waits up
 * to [CancellationPolicy.shutdownBudget] for its pending cancels.
 *
 * @param retryStrategy replaces the default [ExponentialBackoffRetryStrategy] built from [ClientConfig.retry].
 * @param credentialsContext what building credentials from [ClientConfig.auth] may read (environment,
 *   home directory, browser, clock). Its `httpClient` is ignored unless set: OAuth requests made by
 *   providers created here go through the client's own API transport (same TLS, proxy, User-Agent
 *   and timeouts as API calls). Unused when [credentials] is given.
 * @throws ConfigurationException when the credentials or TLS material cannot be set up.
 */
public class DatabricksSqlClient @JvmOverloads constructor(
    public val config: ClientConfig,
    credentials: CredentialsProvider? = null,
    scope: CoroutineScope? = null,
    dispatcher: CoroutineDispatcher? = null,
    retryStrategy: RetryStrategy? = null,
    credentialsContext: CredentialsContext? = null,
) : AutoCloseable {
    private val ownsCredentials = credentials == null

    // The fallible parts come first, before anything that must be released or that joins the
    // caller's scope: a constructor that throws leaves no connection pool, no credentials provider
    // and no child job behind.
    internal val userAgent: String = SdkVersion.userAgent(config.userAgentSuffix)
    private val apiRoute = HttpClients.apiRoute(config, TlsMaterial.from(config.tls))
    private val downloadRoute = DownloadClients.route(config)
    internal val retry: RetryStrategy = retryStrategy ?: ExponentialBackoffRetryStrategy(config.retry)
    internal val apiHttp: HttpClient = HttpClients.api(config, apiRoute, userAgent)
    internal val downloads = DownloadClients(downloadRoute, userAgent)
    internal val credentials: CredentialsProvider = credentials ?: closingOnFailure(apiHttp, downloads) {
        try {
            CredentialsFactory.create(config.auth, config.baseUrl, oauthContext(credentialsContext ?: CredentialsContext(), apiHttp))
        } catch (e: Exception) {
            throw ConfigurationException("auth", "cannot create credentials: ${e.message}", e)
        }
    }

    // Nothing below can fail.
    internal val job: CompletableJob = SupervisorJob(scope?.coroutineContext?.get(Job))
    internal val scope: CoroutineScope = CoroutineScope(
        (scope?.coroutineContext ?: Dispatchers.Default) + job + (dispatcher ?: EmptyCoroutineContext) + CoroutineName("dbsql-client"),
    )
    /** Execute requests and server-side cancels that outlive their caller; drained after the job ends. */
    internal val pendingCancels = PendingCancels(this.scope.coroutineContext.minusKey(Job), config.cancellation.closeBudget)
    internal val transport = ApiTransport(config.baseUrl, apiHttp, this.credentials, retry, config.maxResponseBytes)
    internal val statements = StatementRunner(this, config, transport)
    internal val sessions = SessionOps(config, transport)
    private val closed = AtomicBoolean(false)
    private val released = AtomicBoolean(false)
    private val shutdownHook: Thread? = if (config.cancellation.cancelOnShutdown) ShutdownCancels.install(this) else null

    init {
        job.invokeOnCompletion { pendingCancels.drain { releaseResources() } }
    }

    /** Catalog / schema / table / column listings, each as a [StatementResult]. */
    public val metadata: Metadata = Metadata(this, null)

    /** True once [close] was called (or the caller's scope ended). */
    public val isClosed: Boolean get() = closed.get() || !job.isActive

    /**
     * Runs [sql] and returns when it finished. Waits on the server first
     * ([ExecuteOptions.waitTimeout]: a short statement costs one request), then polls with a short,
     * interval of 2 % of the time the statement has been running, at least 25 ms and at most 1 s.
     *
     * @throws SqlException when the statement failed; [StatementCanceledException] when it was cancelled.
     */
    public suspend fun execute(
        sql: String,
        params: StatementParameters = StatementParameters.NONE,
        options: ExecuteOptions = ExecuteOptions.DEFAULT,
    ): StatementResult = inClientScope { statements.execute(sql, params, options, null) }
        .withConfTimeZone(StatementResult.timeZoneOf(options.conf))

    /** Submits [sql] without waiting (`wait_timeout = 0s`) and returns its handle at once. */
    public suspend fun submit(
        sql: String,
        params: StatementParameters = StatementParameters.NONE,
        options: ExecuteOptions = ExecuteOptions.DEFAULT,
    ): StatementHandle = inClientScope { statements.submit(sql, params, options, null) }

    /**
     * Hybrid submit: one execute request that waits up to [waitTimeout] (0 or 5–50 whole seconds)
     * on the server. A statement that finished by then comes back as [Submission.Finished] with
     * its result (one round trip, like [execute]); one still running as [Submission.Running] with
     * its handle, so a long statement never holds the caller longer than the wait. Throws like
     * [execute] when the statement failed or was cancelled within the wait. [ExecuteOptions.waitTimeout]
     * of [options] is replaced by [waitTimeout]. Cancelling the caller cancels the statement (see the
     * class documentation).
     *
     * @throws ConfigurationException when [waitTimeout] is not 0 or 5..50 whole seconds.
     */
    public suspend fun submit(
        sql: String,
        waitTimeout: kotlin.time.Duration,
        params: StatementParameters = StatementParameters.NONE,
        options: ExecuteOptions = ExecuteOptions.DEFAULT,
    ): Submission = inClientScope { statements.submitWaiting(sql, waitTimeout, params, options, null) }

    /** The statement's current state (one request; does not throw for FAILED / CANCELED). */
    public suspend fun status(handle: StatementHandle): StatementStatus = inClientScope { statements.status(handle) }

    /** Waits until the statement finished (polling) and returns its result; throws like [execute]. */
    public suspend fun await(handle: StatementHandle): StatementResult = inClientScope { statements.awaitResult(handle) }

    /** Asks the server to cancel the statement (best effort: it may still finish); see [status]. */
    public suspend fun cancel(handle: StatementHandle): Unit = inClientScope { statements.cancel(handle) }

    /** Releases the statement and its result on the server. A statement already gone is not an error. */
    public suspend fun close(handle: StatementHandle): Unit = inClientScope { statements.close(handle) }

    /**
     * Opens a server-side session: statements run in it share its catalog, schema and [conf]
     * (e.g. `ansi_mode`, `timezone`) and see each other's `USE` / `SET`. Close it with [Session.close].
     */
    public suspend fun openSession(catalog: String? = null, schema: String? = null, conf: Map<String, String> = emptyMap()): Session =
        inClientScope { Session(this@DatabricksSqlClient, sessions.create(catalog, schema, conf), StatementResult.timeZoneOf(conf)) }

    /** Closes the client; see the class documentation. Idempotent. */
    override fun close() {
        if (!closed.compareAndSet(false, true)) return
        log.debug("closing client for {}", config.baseUrl)
        job.cancel(CancellationException("DatabricksSqlClient closed"))
    }

    /**
     * Closes the client like [close] and suspends until its calls and streams have stopped and its
     * connections and credentials are released. Cancelling the caller stops the waiting, not the closing.
     */
    public suspend fun closeAndJoin() {
        close()
        job.join()
        pendingCancels.join()
        releaseResources()
        apiHttp.coroutineContext[Job]?.join()
        downloads.jobs().forEach { it.join() }
    }

    private fun releaseResources() {
        closed.set(true)
        if (!released.compareAndSet(false, true)) return
        shutdownHook?.let { ShutdownCancels.remove(it) }
        apiHttp.close()
        downloads.close()
        if (ownsCredentials) (credentials as? AutoCloseable)?.let { runCatching { it.close() } }
    }

    /**
     * Runs [block] as a child of the client's scope, so that [close] cancels it, while keeping the
     * caller's cancellation: a cancelled caller cancels the child and waits for it to finish
     * (its server-side cleanup is bounded). [block] starts at once on the caller's thread
     * ([CoroutineStart.UNDISPATCHED]: no thread hop before the first request) and runs even when
     * the caller is already cancelled (so that `await` still cancels the statement).
     */
    internal suspend fun <T> inClientScope(block: suspend CoroutineScope.() -> T): T {
        if (isClosed) throw ClientClosedException()
        val child = scope.async(start = CoroutineStart.UNDISPATCHED, block = block)
        try {
            return child.await()
        } catch (e: CancellationException) {
            if (isClosed) throw ClientClosedException("the DatabricksSqlClient was closed while the call ran")
            withContext(NonCancellable) { child.cancelAndJoin() }
            throw e
        }
    }

    private inline fun <T> closingOnFailure(vararg built: AutoCloseable, create: () -> T): T = try {
        create()
    } catch (e: Throwable) {
        built.forEach { runCatching { it.close() } }
        throw e
    }

    /** [context] with the API client for OAuth requests, unless the caller chose one. */
    private fun oauthContext(context: CredentialsContext, http: HttpClient): CredentialsContext =
        if (context.httpClient != null) context else CredentialsContext(context.env, context.homeDir, http, context.browser, context.clock, context.refreshPolicy)

    override fun toString(): String = "DatabricksSqlClient(${config.baseUrl}, warehouse=${config.warehouseId}, closed=$isClosed)"

    private companion object {
        val log = LoggerFactory.getLogger(DatabricksSqlClient::class.java)
    }
}
