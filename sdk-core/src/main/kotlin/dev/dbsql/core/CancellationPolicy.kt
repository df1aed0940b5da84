package dev.dbsql.core

import kotlinx.serialization.Serializable
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds

/**
 * What happens to the server-side cancel of a statement whose caller was cancelled (a cancelled
 * coroutine, `withTimeout`, a cancelled Java future, a closed client).
 *
 * The caller's cancellation always completes at once; the cancel request to the server (and, when
 * the statement's ID is not known yet, the wait for the execute answer that carries it) continues
 * in the background, in the client's scope. [DatabricksSqlClient.close] keeps the connections open
 * until those pending cancels finished or [closeBudget] passed, whichever comes first.
 *
 * @property closeBudget how long closing the client waits for pending cancels before it drops them
 *   (the statements they name then run on). Default 15 s: longer than the default 10 s server wait
 *   of an execute request, so an execute cancelled while the server holds it still gets its cancel.
 * @property cancelOnShutdown install a JVM shutdown hook that closes the client and waits up to
 *   [shutdownBudget] for its pending cancels. Default true; turn off when the application closes its
 *   clients itself (the hook is removed when the client is closed).
 * @property shutdownBudget the longest the shutdown hook waits. Default 5 s.
 */
@Serializable
public data class CancellationPolicy(
    val closeBudget: Duration = 15.seconds,
    val cancelOnShutdown: Boolean = true,
    val shutdownBudget: Duration = 5.seconds,
) {
    init {
        positive("cancellation.closeBudget", closeBudget)
        positive("cancellation.shutdownBudget", shutdownBudget)
    }
}
