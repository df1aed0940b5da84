package dev.dbsql.samples

import dev.dbsql.auth.AuthConfig
import dev.dbsql.auth.SecretRef
import dev.dbsql.auth.WorkspaceSettings
import dev.dbsql.core.ClientConfig
import dev.dbsql.core.clientConfig
import dev.dbsql.warehouse.LocalWarehouse

/**
 * Where the samples run. When `DATABRICKS_HOST` or `DATABRICKS_CONFIG_PROFILE` is set: that
 * workspace, resolved like the Databricks CLI does (the `DATABRICKS_*` variables, else the
 * `~/.databrickscfg` profile; `DATABRICKS_WAREHOUSE_ID` names the warehouse). Otherwise an
 * embedded local warehouse (DuckDB behind the same REST API), started here and stopped by [close].
 * The system property `dbsql.samples.target=local` forces the embedded warehouse.
 */
class SampleTarget private constructor(
    @get:JvmName("host") val host: String,
    @get:JvmName("warehouseId") val warehouseId: String,
    @get:JvmName("auth") val auth: AuthConfig,
    private val embedded: LocalWarehouse?,
) : AutoCloseable {
    /** True when the samples run against the embedded warehouse of this process. */
    val isEmbedded: Boolean get() = embedded != null

    /** The target as a client configuration. */
    val config: ClientConfig
        get() {
            val target = this
            return clientConfig {
                host = target.host
                warehouse = target.warehouseId
                auth = target.auth
            }
        }

    override fun close() {
        embedded?.close()
    }

    companion object {
        @JvmStatic
        fun open(): SampleTarget {
            val env = System.getenv()
            val workspaceConfigured = listOf("DATABRICKS_HOST", "DATABRICKS_CONFIG_PROFILE").any { !env[it].isNullOrBlank() }
            if (workspaceConfigured && System.getProperty("dbsql.samples.target") != "local") {
                val settings = WorkspaceSettings.resolve()
                val warehouseId = settings.warehouseId
                    ?: error("${settings.source} name no warehouse: set DATABRICKS_WAREHOUSE_ID")
                return SampleTarget(settings.host, warehouseId, settings.auth, null)
            }
            val warehouse = LocalWarehouse.start()
            return SampleTarget(warehouse.baseUrl, warehouse.warehouseId, AuthConfig.Pat(SecretRef.Inline(warehouse.token)), warehouse)
        }
    }
}
