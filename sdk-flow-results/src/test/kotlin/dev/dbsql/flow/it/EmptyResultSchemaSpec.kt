package dev.dbsql.flow.it

import dev.dbsql.core.Disposition
import dev.dbsql.core.ExecuteOptions
import dev.dbsql.core.ResultFormat
import dev.dbsql.flow.ResultOptions
import dev.dbsql.flow.batches
import dev.dbsql.warehouse.LocalWarehouse
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.flow.toList

/** A result without rows still gives its collector the schema: one batch of zero rows. */
class EmptyResultSchemaSpec : FunSpec({
    lateinit var wh: LocalWarehouse
    beforeSpec { wh = LocalWarehouse.start(dev.dbsql.warehouse.WarehouseConfig()) }
    afterSpec { wh.close() }

    for ((name, options) in listOf(
        "inline JSON" to ExecuteOptions(disposition = Disposition.INLINE, format = ResultFormat.JSON_ARRAY),
        "Arrow links" to ExecuteOptions(disposition = Disposition.EXTERNAL_LINKS),
    )) {
        test("$name: an empty result yields one batch of zero rows with the result's columns") {
            Fixtures.client(wh).use { client ->
                val allocator = Fixtures.trackingAllocator()
                val result = client.execute("SELECT id, CAST(id AS STRING) AS s FROM range(0)", options = options)
                val batches = result.batches(ResultOptions(allocator = allocator)).toList()
                batches.size shouldBe 1
                batches[0].use { b ->
                    b.rowCount shouldBe 0
                    b.schema.fields.map { it.name } shouldBe listOf("id", "s")
                }
                allocator.allocatedMemory shouldBe 0
                allocator.close()
            }
        }
    }
})
