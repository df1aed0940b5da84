package dev.dbsql.samples

import dev.dbsql.core.DatabricksSqlClient
import dev.dbsql.core.Disposition
import dev.dbsql.core.ExecuteOptions
import dev.dbsql.flow.ResultPartition
import dev.dbsql.flow.partitions
import dev.dbsql.flow.readPartition
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.coroutineScope
import kotlinx.serialization.json.Json

/**
 * Reads one result as partitions: each is a small JSON document (handle + chunk range, no
 * credentials) that could be sent to another worker; here four coroutines read one each.
 */
suspend fun main() {
    SampleTarget.open().use { target ->
        DatabricksSqlClient(target.config).use { client ->
            val result = client.execute(
                "SELECT id, id % 100 AS bucket FROM range(1000000)",
                options = ExecuteOptions(disposition = Disposition.EXTERNAL_LINKS),
            )
            val shipped = result.partitions(4).map { Json.encodeToString(ResultPartition.serializer(), it) }

            val counts = coroutineScope {
                shipped.map { json ->
                    async {
                        val partition = Json.decodeFromString(ResultPartition.serializer(), json)
                        var rows = 0L
                        client.readPartition(partition).collect { batch -> batch.use { rows += it.rowCount } }
                        partition to rows
                    }
                }.awaitAll()
            }
            for ((partition, rows) in counts) {
                println("partition ${partition.index}: chunks ${partition.startChunk}..${partition.endChunk - 1}, $rows rows")
            }
            println("total ${counts.sumOf { it.second }} rows")
            result.close()
        }
    }
}
