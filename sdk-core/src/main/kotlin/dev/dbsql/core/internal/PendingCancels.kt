package dev.dbsql.core.internal

import kotlinx.coroutines.CoroutineName
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Deferred
import kotlinx.coroutines.Job
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.async
import kotlinx.coroutines.cancel
import kotlinx.coroutines.launch
import kotlinx.coroutines.withTimeoutOrNull
import org.slf4j.LoggerFactory
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicBoolean
import kotlin.coroutines.CoroutineContext
import kotlin.time.Duration

/**
 * Work that must outlive both its caller and the client's own job: execute requests (whose answer
 * names the statement to cancel) and server-side cancels of statements whose caller gave up.
 *
 * Its scope is not a child of the client's job, so closing the client does not cut a cancel short;
 * instead [drain] (called once the client's job completed) gives the pending work [budget] to
 * finish, then cancels what is left and runs `onDrained` (which releases the connections).
 * Thread-safe.
 */
internal class PendingCancels(context: CoroutineContext, private val budget: Duration) {
    private val job = SupervisorJob()
    private val scope = CoroutineScope(context + job + CoroutineName("dbsql-pending-cancels"))
    private val draining = AtomicBoolean(false)
    private val drained = CountDownLatch(1)

    init {
        job.invokeOnCompletion { drained.countDown() }
    }

    /** Runs [block] in the background scope (undispatched: its first request starts on this thread). */
    fun <T> async(block: suspend CoroutineScope.() -> T): Deferred<T> = scope.async(start = CoroutineStart.UNDISPATCHED, block = block)

    /** Runs [block] in the background scope. */
    fun launch(block: suspend CoroutineScope.() -> Unit): Job = scope.launch(block = block)

    /** Number of unfinished background jobs (for tests and logs). */
    val pending: Int get() = job.children.count { it.isActive }

    /**
     * Lets pending work run for at most [budget], then cancels the rest and completes; [onDrained]
     * runs when everything stopped. Idempotent (later calls only add nothing).
     */
    fun drain(onDrained: () -> Unit) {
        job.invokeOnCompletion { onDrained() }
        if (!draining.compareAndSet(false, true)) return
        lateinit var drainer: Job
        drainer = scope.launch(start = CoroutineStart.LAZY) {
            val finished = withTimeoutOrNull(budget) {
                while (true) {
                    val others = job.children.filter { it !== drainer && it.isActive }.toList()
                    if (others.isEmpty()) break
                    others.forEach { it.join() }
                }
            } != null
            if (!finished) log.warn("pending statement cancels did not finish within {}; dropped", budget)
            job.cancel()
        }
        drainer.start()
    }

    /** Suspends until drained (after [drain]). */
    suspend fun join() {
        job.join()
    }

    /** Blocks the calling thread (the shutdown hook's own) until drained or [timeout] passed; true when drained. */
    fun awaitDrained(timeout: Duration): Boolean = drained.await(timeout.inWholeMilliseconds, TimeUnit.MILLISECONDS)

    /** Cancels everything at once (constructor failure paths). */
    fun cancelNow() {
        scope.cancel()
    }

    private companion object {
        val log = LoggerFactory.getLogger("dev.dbsql.core.statements")
    }
}
