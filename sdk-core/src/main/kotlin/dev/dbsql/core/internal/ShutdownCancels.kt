package dev.dbsql.core.internal

import dev.dbsql.core.DatabricksSqlClient
import org.slf4j.LoggerFactory

/**
 * The JVM shutdown hook of a client ([dev.dbsql.core.CancellationPolicy.cancelOnShutdown]): its own
 * thread closes the client and waits, at most the policy's shutdown budget, until the pending
 * server-side cancels finished. Blocking is fine there: the thread belongs to the hook.
 */
internal object ShutdownCancels {
    private val log = LoggerFactory.getLogger("dev.dbsql.core.statements")

    fun install(client: DatabricksSqlClient): Thread? {
        val hook = Thread({
            client.close()
            val budget = client.config.cancellation.shutdownBudget
            if (!client.pendingCancels.awaitDrained(budget)) {
                log.warn("JVM shutdown: pending statement cancels of {} did not finish within {}", client.config.baseUrl, budget)
            }
        }, "dbsql-shutdown-cancels")
        return try {
            Runtime.getRuntime().addShutdownHook(hook)
            hook
        } catch (e: IllegalStateException) {
            null // the JVM is already shutting down
        }
    }

    fun remove(hook: Thread) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook)
        } catch (e: IllegalStateException) {
            // shutdown in progress: the hook is running or has run
        } catch (e: SecurityException) {
            log.debug("cannot remove the shutdown hook: {}", e.message)
        }
    }
}
