package dev.dbsql.samples

import dev.dbsql.core.DatabricksSqlClient
import dev.dbsql.core.ExecuteOptions
import kotlinx.coroutines.delay
import kotlinx.coroutines.withTimeoutOrNull
import kotlin.time.Duration.Companion.seconds

private const val LONG_QUERY = "SELECT count(*) FROM range(3000000000) WHERE id % 7 = 3"

/** Two ways to stop a long query: a coroutine timeout, and an explicit cancel by handle. */
suspend fun main() {
    SampleTarget.open().use { target ->
        DatabricksSqlClient(target.config).use { client ->
            // Cancelling the coroutine (here: a timeout) cancels the statement on the server.
            // waitTimeout = 0 makes the statement ID known at once, so it can be cancelled at any time.
            val result = withTimeoutOrNull(1.seconds) {
                client.execute(LONG_QUERY, options = ExecuteOptions(waitTimeout = 0.seconds))
            }
            println("after 1 s: ${result ?: "gave up; the statement was cancelled on the server"}")

            // A submitted statement can be cancelled by its handle, from any process.
            val handle = client.submit(LONG_QUERY)
            delay(500)
            client.cancel(handle)
            var status = client.status(handle)
            while (!status.state.isTerminal) {
                delay(50)
                status = client.status(handle)
            }
            println("statement ${handle.statementId} is ${status.state}")
        }
    }
}
