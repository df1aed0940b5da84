package dev.dbsql.warehouse

import dev.dbsql.warehouse.statements.ContextOpener

/** The one place that knows which query engine runs behind the HTTP layer. */
internal class EngineBinding(@Suppress("UNUSED_PARAMETER") config: WarehouseConfig) : AutoCloseable {
    val opener = ContextOpener { _, _, _ -> throw IllegalStateException("the query engine is not available in this build yet") }

    override fun close() {}
}
