package dev.dbsql.core.it

import dev.dbsql.auth.CredentialsProvider
import dev.dbsql.core.ClientConfig
import dev.dbsql.core.ClientConfigBuilder
import dev.dbsql.core.DatabricksSqlClient
import dev.dbsql.core.Disposition
import dev.dbsql.core.ExecuteOptions
import dev.dbsql.core.ResultCompression
import dev.dbsql.core.ResultFormat
import dev.dbsql.core.RetryPolicy
import dev.dbsql.core.clientConfig
import dev.dbsql.warehouse.LocalWarehouse
import dev.dbsql.warehouse.WarehouseConfig
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/** Test helpers: a config and client for a running local warehouse. */
object Fixtures {
    fun startWarehouse(config: WarehouseConfig = WarehouseConfig()): LocalWarehouse = LocalWarehouse.start(config)

    /** Fast retries so fault tests stay short. */
    val fastRetry = RetryPolicy(maxAttempts = 4, maxTotalTime = 20.seconds, baseDelay = 20.milliseconds, maxDelay = 200.milliseconds)

    fun config(wh: LocalWarehouse, block: ClientConfigBuilder.() -> Unit = {}): ClientConfig = clientConfig {
        host = wh.baseUrl
        httpPath = wh.httpPath
        auth = pat(wh.token)
        retry = fastRetry
        block()
    }

    fun client(wh: LocalWarehouse, credentials: CredentialsProvider? = null, block: ClientConfigBuilder.() -> Unit = {}): DatabricksSqlClient =
        DatabricksSqlClient(config(wh, block), credentials)

    /** INLINE JSON_ARRAY without compression: what most specs read. */
    val INLINE_JSON = ExecuteOptions(disposition = Disposition.INLINE, format = ResultFormat.JSON_ARRAY, compression = ResultCompression.NONE)

    /** A statement that does not finish on its own within any test (for cancel tests). */
    const val ENDLESS_SQL = "SELECT sum(id) FROM range(1000000000000) t1"
}
