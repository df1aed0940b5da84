package dev.dbsql.cli

import dev.dbsql.auth.AuthConfig
import dev.dbsql.auth.CredentialsContext
import dev.dbsql.auth.CredentialsException
import dev.dbsql.auth.CredentialsFactory
import dev.dbsql.auth.CredentialsProvider
import dev.dbsql.auth.PersonalAccessTokenProvider
import dev.dbsql.auth.SecretRef
import dev.dbsql.auth.WorkspaceSettings
import dev.dbsql.core.ClientConfig
import dev.dbsql.core.clientConfig
import dev.dbsql.warehouse.LocalWarehouse
import java.nio.file.Path

/** Where statements go: a configured workspace, or a local warehouse this run starts and stops. */
class Target(
    val config: ClientConfig,
    /** Built here (with the tool's environment), owned by the target, closed with it. */
    val credentials: CredentialsProvider,
    val description: String,
    private val embedded: LocalWarehouse?,
) : AutoCloseable {
    val isEmbedded: Boolean get() = embedded != null

    override fun close() {
        (credentials as? AutoCloseable)?.close()
        embedded?.close()
    }

    companion object {
        /**
         * The workspace given by the options, the environment or a profile; the embedded local
         * warehouse with `--local` or when nothing is configured. A profile asked for but not
         * usable is an error, never a silent switch to the local warehouse. With `--host`, the
         * credentials come from a source bound to that host (`DATABRICKS_HOST` equal to it or unset,
         * or a profile whose host it is); a source bound to another host is an error naming both.
         */
        fun resolve(options: CliOptions, env: Map<String, String>, home: Path): Target {
            if (options.local) return embedded()
            val profileAsked = options.profile != null || !env["DATABRICKS_CONFIG_PROFILE"].isNullOrBlank()
            // An explicit --host takes part in the resolution: only credentials bound to that host (or
            // given without any host) are used, never those of DATABRICKS_HOST or another profile.
            val settings = try {
                WorkspaceSettings.resolve(env = env, homeDir = home, profile = options.profile, host = options.host)
            } catch (e: CredentialsException) {
                if (profileAsked || options.host != null || options.warehouse != null) throw e
                return embedded()
            }
            val host = settings.host
            val warehouse = options.warehouse ?: settings.warehouseId
                ?: throw UsageException("no SQL warehouse given: use --warehouse ID or set DATABRICKS_WAREHOUSE_ID (${settings.source})")
            val config = clientConfig {
                this.host = host
                if (warehouse.startsWith("/")) httpPath = warehouse else this.warehouse = warehouse
                auth = settings.auth
                userAgentSuffix = "dbsql-cli"
            }
            val credentials = CredentialsFactory.create(settings.auth, config.baseUrl, CredentialsContext(env = env, homeDir = home))
            return Target(config, credentials, "$host (${settings.source})", null)
        }

        private fun embedded(): Target {
            val warehouse = LocalWarehouse.start()
            try {
                val config = clientConfig {
                    host = warehouse.baseUrl
                    this.warehouse = warehouse.warehouseId
                    auth = AuthConfig.Pat(SecretRef.Inline(warehouse.token))
                    userAgentSuffix = "dbsql-cli"
                }
                val credentials = PersonalAccessTokenProvider(warehouse.token)
                return Target(config, credentials, "embedded local warehouse at ${warehouse.baseUrl}", warehouse)
            } catch (e: Exception) {
                warehouse.close()
                throw e
            }
        }
    }
}
