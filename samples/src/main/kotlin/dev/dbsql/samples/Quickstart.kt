package dev.dbsql.samples

import dev.dbsql.core.DatabricksSqlClient
import dev.dbsql.core.params
import dev.dbsql.flow.rows

/** Runs one parameterised query and prints its rows. */
suspend fun main() {
    SampleTarget.open().use { target ->
        DatabricksSqlClient(target.config).use { client ->
            val result = client.execute(
                "SELECT id, id * id AS square FROM range(10) WHERE id >= :min",
                params { "min" to 7 },
            )
            println("statement ${result.statementId}: ${result.manifest.totalRowCount} rows")
            result.rows().collect { row ->
                println("${row.getLong("id")} squared is ${row.getLong("square")}")
            }
        }
    }
}
