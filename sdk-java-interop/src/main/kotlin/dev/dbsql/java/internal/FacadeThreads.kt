package dev.dbsql.java.internal

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.asCoroutineDispatcher
import java.util.concurrent.Executor
import java.util.concurrent.ExecutorService
import java.util.concurrent.Executors
import java.util.concurrent.SynchronousQueue
import java.util.concurrent.ThreadPoolExecutor
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger

/**
 * The facade's own threads, process-wide and daemon, never shared with the coroutines library's
 * pools (whose `Dispatchers.IO` also runs ktor's engine):
 *
 * - [work]: a small fixed pool on which the facade's coroutines run — the calls behind each future
 *   and the producers of every `BatchIterator`. They only suspend there; no caller code ever runs on it.
 * - [completions]: an elastic pool on which futures complete when the caller gave no executor, so
 *   that dependent stages (`thenApply`, …) run here and may block: each blocked stage holds one
 *   thread, new threads start as needed, idle ones stop after a minute. Blocking them can never
 *   starve the producers or I/O, which run elsewhere.
 */
internal object FacadeThreads {
    private val workThreads = AtomicInteger()
    private val completionThreads = AtomicInteger()

    val work: CoroutineDispatcher by lazy {
        val size = maxOf(2, Runtime.getRuntime().availableProcessors())
        Executors.newFixedThreadPool(size) { r ->
            Thread(r, "dbsql-java-work-${workThreads.incrementAndGet()}").apply { isDaemon = true }
        }.asCoroutineDispatcher()
    }

    val completions: ExecutorService by lazy {
        ThreadPoolExecutor(0, Int.MAX_VALUE, 60L, TimeUnit.SECONDS, SynchronousQueue()) { r ->
            Thread(r, "dbsql-java-complete-${completionThreads.incrementAndGet()}").apply { isDaemon = true }
        }
    }

    /** Where futures of a client complete: the caller's [executor], else [completions]. */
    fun completionExecutor(executor: Executor?): Executor = executor ?: completions
}
