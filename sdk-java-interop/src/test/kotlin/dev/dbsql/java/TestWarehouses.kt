package dev.dbsql.java

import dev.dbsql.warehouse.LocalWarehouse
import dev.dbsql.warehouse.WarehouseConfig

/** Warehouse configurations the Java tests need that Java cannot name without every argument. */
object TestWarehouses {
    /** A warehouse whose results come in chunks of at most [rows] rows. */
    @JvmStatic
    fun withChunkRows(rows: Int): LocalWarehouse = LocalWarehouse.start(WarehouseConfig(chunkRows = rows))
}
