package dev.dbsql.java.internal

import dev.dbsql.core.ClientClosedException
import dev.dbsql.core.DatabricksSqlClient
import kotlinx.coroutines.CompletableJob
import kotlinx.coroutines.CoroutineName
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Job
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.async
import kotlinx.coroutines.launch
import org.slf4j.LoggerFactory
import java.util.concurrent.CompletableFuture
import java.util.concurrent.Executor
import java.util.concurrent.RejectedExecutionException
import java.util.concurrent.atomic.AtomicBoolean

/**
 * What every object of the facade shares: the Kotlin client, the facade's own scope (a
 * `SupervisorJob` on [FacadeThreads.work]) in which each call and each iterator producer runs,
 * the executor on which futures complete ([completion]), the open streams and the closed flag.
 */
internal class Bridge(val client: DatabricksSqlClient, executor: Executor?) {
    private val job: CompletableJob = SupervisorJob()

    /** Parent of the one coroutine that waits for the closing ([whenClosed]); completed with it. */
    private val closer: CompletableJob = Job()
    val scope: CoroutineScope = CoroutineScope(job + FacadeThreads.work + CoroutineName("dbsql-java"))

    /** Where futures complete and dependent stages, `Publisher` subscribers' `onNext` run. */
    val completion: Executor = FacadeThreads.completionExecutor(executor)

    /** The open iterators, closed with the client. */
    val streams: OpenStreams = OpenStreams()
    private val closed = AtomicBoolean(false)

    val isClosed: Boolean get() = closed.get() || client.isClosed

    /**
     * [block] as a coroutine of the facade's scope whose outcome completes the returned future on
     * [completion] (never on a thread the SDK's producers or I/O need). Cancelling the future
     * cancels the coroutine. [CoroutineStart.ATOMIC] runs [block] even when the future is
     * cancelled before it started.
     */
    fun <T> call(start: CoroutineStart = CoroutineStart.DEFAULT, block: suspend CoroutineScope.() -> T): CompletableFuture<T> {
        if (isClosed) return CompletableFuture.failedFuture(ClientClosedException("the DbsqlClient is closed"))
        val future = CompletableFuture<T>()
        val work = scope.async(start = start, block = block)
        work.invokeOnCompletion { cause ->
            completeOn {
                if (cause == null) {
                    @OptIn(kotlinx.coroutines.ExperimentalCoroutinesApi::class)
                    future.complete(work.getCompleted())
                } else {
                    future.completeExceptionally(cause)
                }
            }
        }
        future.whenComplete { _, _ -> if (future.isCancelled) work.cancel() }
        return future
    }

    /** Like [call] for calls without a result: the future completes with null. */
    fun run(block: suspend CoroutineScope.() -> Unit): CompletableFuture<Void?> = call {
        block()
        null
    }

    /** Runs [action] on [completion]; when that executor refuses (shut down), on this thread. */
    fun completeOn(action: Runnable) {
        try {
            completion.execute(action)
        } catch (e: RejectedExecutionException) {
            log.warn("the executor refused to complete a future ({}); completing it on {}", e.message, Thread.currentThread().name)
            action.run()
        }
    }

    /**
     * Closes the open streams and the Kotlin client (calls and streams in flight fail with
     * [ClientClosedException]) and lets the facade's job complete once its children have
     * finished. Idempotent.
     */
    fun close() {
        if (!closed.compareAndSet(false, true)) return
        client.close()
        streams.closeAll()
        job.complete()
    }

    /**
     * A future, completed on [completion], that completes once the facade's coroutines and the
     * Kotlin client's work have stopped and its connections are released (after [close]).
     */
    fun whenClosed(): CompletableFuture<Void?> = closedFuture.copy()

    private val closedFuture: CompletableFuture<Void?> by lazy {
        val future = CompletableFuture<Void?>()
        val waiting = CoroutineScope(closer + FacadeThreads.work).launch {
            job.join()
            client.closeAndJoin()
        }
        closer.complete()
        waiting.invokeOnCompletion { cause ->
            completeOn { if (cause == null) future.complete(null) else future.completeExceptionally(cause) }
        }
        future
    }

    private companion object {
        val log = LoggerFactory.getLogger(Bridge::class.java)
    }
}
