
package dev.dbsql.flow.internal.source

import dev.dbsql.core.ProtocolException
import dev.dbsql.core.internal.ExternalLink
import dev.dbsql.flow.internal.pipeline.LinkExpiredException
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.ensureActive
import kotlinx.coroutines.launch
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import org.slf4j.LoggerFactory
import java.time.Clock
import java.time.Duration

/**
 * The download links of one result stream, by chunk index.
 *
 * Links are fetched through [fetch] (`GET …/result/chunks/{i}`, which answers with one or more
 * links starting at `i`), ahead of use up to [prefetch] chunks, one request at a time. A link that
 * expires within [margin] is refreshed before it is handed out; one a download found expired is
 * [invalidate]d and fetched again. Concurrent requests for the same chunk share one fetch. A fetch
 * that answers without a link for the chunk asked for is a [ProtocolException] saying so.
 */
internal class LinkCache(
    private val statementId: String,
    private val fetch: suspend (chunkIndex: Int) -> List<ExternalLink>,
    initial: List<ExternalLink>,
    private val endChunk: Int,
    private val margin: Duration,
    private val prefetch: Int,
    private val clock: Clock = Clock.systemUTC(),
) {
    private val mutex = Mutex()
    private val links = HashMap<Int, ExternalLink>()
    private val inFlight = HashMap<Int, CompletableDeferred<Unit>>()
    private var highestKnown = -1
    private var prefetcher: Job? = null

    init {
        initial.forEach { store(it) }
    }

    /** A usable link for [chunkIndex]: cached and fresh, or freshly fetched. */
    suspend fun get(chunkIndex: Int): ExternalLink {
        var fetched = false
        while (true) {
            val wait: CompletableDeferred<Unit>
            var mine = false
            mutex.withLock {
                val link = links[chunkIndex]
                // A link fetched for this call is used even inside the margin: it is as fresh as they come.
                if (link != null && (isFresh(link) || (fetched && link.expiration.isAfter(clock.instant())))) return link
                wait = inFlight[chunkIndex] ?: CompletableDeferred<Unit>().also {
                    inFlight[chunkIndex] = it
                    mine = true
                }
            }
            if (mine) {
                val fresh = runFetch(chunkIndex, wait)
                if (fresh.none { it.chunkIndex == chunkIndex } && mutex.withLock { links[chunkIndex] } == null) {
                    throw ProtocolException(
                        "statement $statementId: asked for the download link of chunk $chunkIndex, the server answered with " +
                            (if (fresh.isEmpty()) "no link" else "links for chunks ${fresh.map { it.chunkIndex }.take(20)}"),
                        null, statementId,
                    )
                }
            } else {
                try {
                    wait.await() // someone else's fetch (maybe the prefetcher); on failure, fetch ourselves
                } catch (e: Throwable) {
                    currentCoroutineContext().ensureActive()
                }
            }
            if (fetched && mine) {
                // counted by the pipeline as a link refresh (ResultOptions.maxLinkRefreshes), then fetched again
                throw LinkExpiredException("statement $statementId: the server returned an expired download link for chunk $chunkIndex")
            }
            fetched = fetched || mine
        }
    }

    /** Forgets [link] (the download said it expired) so the next [get] fetches a fresh one. */
    suspend fun invalidate(chunkIndex: Int, link: ExternalLink) {
        mutex.withLock { if (links[chunkIndex] === link) links.remove(chunkIndex) }
    }

    /** Starts fetching links after the known ones, up to [prefetch] chunks past [chunkIndex]. */
    fun prefetchAfter(chunkIndex: Int, scope: CoroutineScope) {
        if (prefetch == 0) return
        if (prefetcher?.isActive == true) return
        prefetcher = scope.launch {
            try {
                while (true) {
                    val next = mutex.withLock { highestKnown + 1 }
                    if (next >= endChunk || next > chunkIndex + prefetch) break
                    val wait = mutex.withLock {
                        if (inFlight.containsKey(next)) null else CompletableDeferred<Unit>().also { inFlight[next] = it }
                    } ?: break
                    runFetch(next, wait)
                    if (mutex.withLock { highestKnown } < next) break // the server gave nothing new
                }
            } catch (e: CancellationException) {
                throw e
            } catch (e: Exception) {
                log.debug("link prefetch stopped: {}", e.toString()) // get() fetches again and reports
            }
        }
    }

    private suspend fun runFetch(chunkIndex: Int, done: CompletableDeferred<Unit>): List<ExternalLink> {
        try {
            val fresh = fetch(chunkIndex)
            mutex.withLock { fresh.forEach { store(it) } }
            done.complete(Unit)
            return fresh
        } catch (e: Throwable) {
            done.completeExceptionally(e)
            throw e
        } finally {
            mutex.withLock { if (inFlight[chunkIndex] === done) inFlight.remove(chunkIndex) }
        }
    }

    private fun store(link: ExternalLink) {
        links[link.chunkIndex] = link
        if (link.chunkIndex > highestKnown) highestKnown = link.chunkIndex
    }

    private fun isFresh(link: ExternalLink): Boolean = link.expiration.isAfter(clock.instant().plus(margin))

    private companion object {
        val log = LoggerFactory.getLogger(LinkCache::class.java)
    }
}
