package dev.dbsql.warehouse

import dev.dbsql.warehouse.engine.DuckDbEngine
import dev.dbsql.warehouse.engine.EngineSettings
import dev.dbsql.warehouse.statements.ContextOpener

/** The one place that knows which query engine runs behind the HTTP layer. */
internal class EngineBinding(config: WarehouseConfig) : AutoCloseable {
    private val engine = DuckDbEngine(EngineSettings(spillDir = config.spillDirectory))

    val opener = ContextOpener { catalog, schema, conf -> engine.openContext(catalog, schema, conf) }

    override fun close() = engine.close()
}
