package dev.dbsql.java.internal

import java.lang.ref.Cleaner
import java.util.concurrent.ConcurrentHashMap

/**
 * The iterators of one client that are still open, so that closing the client frees what they
 * hold; and the process-wide [Cleaner] that frees the buffers of an iterator dropped unclosed.
 */
internal class OpenStreams {
    private val open: MutableSet<ProducerState> = ConcurrentHashMap.newKeySet()

    /** Registers [state] and frees it when [owner] becomes unreachable without having been closed. */
    fun register(owner: Any, state: ProducerState): Cleaner.Cleanable {
        open.add(state)
        state.onClosed { open.remove(state) }
        return cleaner.register(owner) { state.release() }
    }

    /** How many iterators are open (for tests and `toString`). */
    val size: Int get() = open.size

    /** Releases every open iterator without waiting for its producer (it frees the rest when it stops). */
    fun closeAll() {
        for (state in open.toList()) state.release(byClient = true)
    }

    private companion object {
        val cleaner: Cleaner = Cleaner.create { r -> Thread(r, "dbsql-java-cleaner").apply { isDaemon = true } }
    }
}
