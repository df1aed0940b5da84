package dev.dbsql.auth

import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock

/**
 * Asks each [Source] in order for a working provider: a source is used when it can be built and
 * its first [token] call succeeds. The first that works is kept for the provider's lifetime; the
 * ones that failed are closed at once. When none works, one [CredentialsNotFoundException] lists
 * every source and why it failed, each failure attached as a suppressed exception. A
 * [CredentialsConfigurationException] from a source's first token (e.g. an OAuth endpoint on an
 * untrusted host) ends the resolution at once and is thrown as is.
 *
 * Concurrent first callers share one resolution. [close] closes the provider this chain built (if
 * it is [AutoCloseable]); the chain never closes anything it did not create.
 */
public class ChainCredentialsProvider(private val sources: List<Source>) : CredentialsProvider, AutoCloseable {
    /** One way of getting credentials; [create] throws a [CredentialsException] saying why it does not apply. */
    public class Source(public val name: String, public val create: () -> CredentialsProvider) {
        override fun toString(): String = name
    }

    private val mutex = Mutex()

    @Volatile
    private var selected: Pair<Source, CredentialsProvider>? = null

    @Volatile
    private var closed = false

    init {
        require(sources.isNotEmpty()) { "a credentials chain needs at least one source" }
    }

    /** The provider's [CredentialsProvider.name] once resolved, else `chain`. */
    override val name: String get() = selected?.second?.name ?: "chain"

    /** The name of the source in use, or null before the first successful [token] call. */
    public val selectedSource: String? get() = selected?.first?.name

    override suspend fun token(): AccessToken {
        selected?.let { return it.second.token() }
        return mutex.withLock {
            check(!closed) { "credentials chain is closed" }
            selected?.let { return@withLock it.second.token() }
            resolve()
        }
    }

    override suspend fun invalidate(token: AccessToken) {
        selected?.second?.invalidate(token)
    }

    override fun close() {
        closed = true
        (selected?.second as? AutoCloseable)?.close()
    }

    override fun toString(): String =
        "ChainCredentialsProvider(${sources.joinToString(" -> ")}${selected?.let { ", selected=${it.first}" } ?: ""})"

    private suspend fun resolve(): AccessToken {
        val failures = mutableListOf<Pair<String, Exception>>()
        for (source in sources) {
            val provider = try {
                source.create()
            } catch (e: Exception) {
                failures += source.name to e
                continue
            }
            try {
                val token = provider.token()
                selected = source to provider
                return token
            } catch (e: kotlin.coroutines.cancellation.CancellationException) {
                (provider as? AutoCloseable)?.close()
                throw e
            } catch (e: CredentialsConfigurationException) {
                // a source that applies but would send credentials somewhere unsafe: stop, say so
                (provider as? AutoCloseable)?.close()
                throw e
            } catch (e: Exception) {
                (provider as? AutoCloseable)?.close()
                failures += source.name to e
            }
        }
        throw notFound("no credentials found", failures)
    }
}
