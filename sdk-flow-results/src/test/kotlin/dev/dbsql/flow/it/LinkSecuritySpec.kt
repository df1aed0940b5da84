package dev.dbsql.flow.it

import dev.dbsql.core.ResultCompression
import dev.dbsql.core.ResultFormat
import dev.dbsql.flow.ResultOptions
import dev.dbsql.flow.batches
import dev.dbsql.warehouse.LocalWarehouse
import dev.dbsql.warehouse.WarehouseConfig
import dev.dbsql.warehouse.faults.Endpoint
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainAll
import io.kotest.matchers.shouldBe

/**
 * What goes to an external link: never the workspace `Authorization` header, always the link's
 * `http_headers` (the server refuses a download without them when `linkHeaders` is on).
 */
class LinkSecuritySpec : FunSpec({
    val keyHeader = "x-amz-server-side-encryption-customer-key"
    val algorithmHeader = "x-amz-server-side-encryption-customer-algorithm"

    for ((name, format, compression) in listOf(
        Triple("Arrow with LZ4", ResultFormat.ARROW_STREAM, ResultCompression.LZ4_FRAME),
        Triple("JSON_ARRAY", ResultFormat.JSON_ARRAY, ResultCompression.NONE),
    )) {
        test("downloads of $name links carry the link's http_headers and no Authorization header") {
            LocalWarehouse.start(WarehouseConfig(chunkRows = 50_000, linkHeaders = true)).use { wh ->
                Fixtures.client(wh).use { client ->
                    val allocator = Fixtures.trackingAllocator()
                    val result = client.execute("SELECT id FROM range(300000)", options = Fixtures.links(format, compression))
                    result.manifest.totalChunkCount shouldBe 6
                    val ids = Fixtures.checkIds(result.batches(ResultOptions(allocator = allocator)))
                    ids.shouldBeRange(0, 300_000)

                    val downloads = wh.admin.requests(Endpoint.DOWNLOAD)
                    downloads.size shouldBe 6
                    for (d in downloads) {
                        d.status shouldBe 200 // a download without the headers would have been refused with 403
                        d.authorizationPresent shouldBe false
                        d.headerNames shouldContainAll listOf(keyHeader, algorithmHeader)
                    }
                    // while every API call did authenticate
                    wh.admin.requests().filter { it.endpoint != Endpoint.DOWNLOAD }.all { it.authorizationPresent } shouldBe true
                    allocator.allocatedMemory shouldBe 0
                    allocator.close()
                }
            }
        }
    }
})
