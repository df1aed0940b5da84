package dev.dbsql.warehouse.statements

import dev.dbsql.warehouse.engine.StoredResult
import org.slf4j.LoggerFactory

/**
 * A finished statement's [StoredResult] with leases: readers (a response being rendered, a chunk
 * being streamed) hold a lease, and [close] (statement closed or expired) frees the result once the
 * last lease is returned. Thread-safe.
 */
internal class ResultHolder(val result: StoredResult) {
    private var leases = 0
    private var closing = false
    private var closed = false

    /** Takes a lease; false when the result is already closing. */
    @Synchronized
    fun acquire(): Boolean {
        if (closing) return false
        leases++
        return true
    }

    @Synchronized
    fun release() {
        leases--
        if (closing && leases == 0) doClose()
    }

    @Synchronized
    fun close() {
        closing = true
        if (leases == 0) doClose()
    }

    private fun doClose() {
        if (closed) return
        closed = true
        try {
            result.close()
        } catch (e: Exception) {
            log.warn("closing a stored result failed", e)
        }
    }

    private companion object {
        val log = LoggerFactory.getLogger(ResultHolder::class.java)
    }
}

/** Runs [block] with a lease on the result; null when there is no (longer a) result. */
internal inline fun <T> ResultHolder?.withLease(block: (StoredResult) -> T): T? {
    if (this == null || !acquire()) return null
    try {
        return block(result)
    } finally {
        release()
    }
}
