package dev.dbsql.java.internal

import dev.dbsql.core.ClientClosedException
import dev.dbsql.core.DatabricksSqlClient
import kotlinx.coroutines.CompletableJob
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineName
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.future.future
import java.util.concurrent.CompletableFuture
import java.util.concurrent.atomic.AtomicBoolean

/**
 * What every object of the facade shares: the Kotlin client, the facade's own scope (a
 * `SupervisorJob` on [dispatcher]) in which each future and each iterator producer runs, and the
 * closed flag.
 */
internal class Bridge(val client: DatabricksSqlClient, val dispatcher: CoroutineDispatcher) {
    private val job: CompletableJob = SupervisorJob()
    val scope: CoroutineScope = CoroutineScope(job + dispatcher + CoroutineName("dbsql-java"))
    private val closed = AtomicBoolean(false)

    val isClosed: Boolean get() = closed.get() || client.isClosed

    /**
     * [block] as a future of the facade's scope; cancelling the future cancels the coroutine.
     * [CoroutineStart.ATOMIC] runs [block] even when the future is cancelled before it started.
     */
    fun <T> call(start: CoroutineStart = CoroutineStart.DEFAULT, block: suspend CoroutineScope.() -> T): CompletableFuture<T> {
        if (isClosed) return CompletableFuture.failedFuture(ClientClosedException("the DbsqlClient is closed"))
        return scope.future(start = start, block = block)
    }

    /** Like [call] for calls without a result: the future completes with null. */
    fun run(block: suspend CoroutineScope.() -> Unit): CompletableFuture<Void?> = call {
        block()
        null
    }

    /**
     * Closes the Kotlin client (calls and streams in flight fail with [ClientClosedException]) and
     * lets the facade's job complete once its children have finished. Idempotent.
     */
    fun close() {
        if (!closed.compareAndSet(false, true)) return
        client.close()
        job.complete()
    }
}
