package dev.dbsql.spark

import dev.dbsql.core.ClientConfig
import dev.dbsql.java.DbsqlClient
import dev.dbsql.java.DbsqlClientConfig
import org.slf4j.LoggerFactory
import java.util.concurrent.ConcurrentHashMap

/**
 * One client per configuration per JVM, built on first use from the configuration's JSON (which
 * holds secret references only, resolved here) and shared by every task of this JVM — the driver
 * and each executor each have their own. The clients live as long as the JVM: they are closed by a
 * shutdown hook, or by [closeAll]. Thread-safe.
 */
internal object SharedClients {
    private val log = LoggerFactory.getLogger(SharedClients::class.java)
    private val clients = ConcurrentHashMap<String, DbsqlClient>()

    init {
        Runtime.getRuntime().addShutdownHook(Thread({ closeAll() }, "dbsql-spark-clients-close"))
    }

    /** The shared client for [configJson] (a `ClientConfig.toJson()`), created now if needed. */
    fun get(configJson: String): DbsqlClient {
        clients[configJson]?.takeIf { !it.isClosed }?.let { return it }
        return clients.compute(configJson) { _, old ->
            if (old != null && !old.isClosed) old else DbsqlClient.create(DbsqlClientConfig.of(ClientConfig.fromJson(configJson)))
        }!!
    }

    /** Closes every shared client (a later [get] builds a new one). */
    fun closeAll() {
        val all = clients.values.toList()
        clients.clear()
        for (c in all) runCatching { c.close() }.onFailure { log.warn("closing a client failed", it) }
    }

    /** Clients alive now (for tests). */
    val size: Int get() = clients.size
}
