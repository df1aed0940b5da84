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
import dev.dbsql.core.ConfigurationException
import dev.dbsql.core.clientConfig
import dev.dbsql.warehouse.LocalWarehouse
import java.nio.file.Files
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
         * warehouse only with `--local` or when no workspace is configured at all ([configured]).
         * A configured workspace without usable credentials is a [CredentialsException] listing
         * what was tried, never a silent switch to the local warehouse. With `--host`, the
         * credentials come from a source bound to that host (`DATABRICKS_HOST` equal to it or unset,
         * or a profile whose host it is); a source bound to another host is an error naming both.
         * A malformed `--host` (or `DATABRICKS_HOST`) is a [ConfigurationException].
         */
        fun resolve(options: CliOptions, env: Map<String, String>, home: Path): Target {
            if (options.local) return embedded()
            options.host?.let { checkHost(it, "--host") }
            if (options.host == null) env["DATABRICKS_HOST"]?.takeIf { it.isNotBlank() }?.let { checkHost(it, "DATABRICKS_HOST") }
            val what = configured(options, env, home)
            if (what.isEmpty()) return embedded()
            // An explicit --host takes part in the resolution: only credentials bound to that host (or
            // given without any host) are used, never those of DATABRICKS_HOST or another profile.
            val settings = try {
                WorkspaceSettings.resolve(env = env, homeDir = home, profile = options.profile, host = options.host)
            } catch (e: CredentialsException) {
                val message = e.message.orEmpty()
                val tried = message.substringAfter("; tried:", "").takeIf { it.isNotBlank() }
                val summary = if (tried != null && options.host == null) {
                    "a workspace is configured (${what.joinToString(", ")}) but has no usable credentials; tried:$tried"
                } else {
                    message
                }
                throw CredentialsException(
                    "$summary\nThe embedded local warehouse is used only with --local, or when no workspace is configured at all.",
                    e,
                )
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

        /** What configures a workspace here (empty: nothing, so the embedded warehouse is used). */
        internal fun configured(options: CliOptions, env: Map<String, String>, home: Path): List<String> = buildList {
            if (options.host != null) add("--host")
            if (options.profile != null) add("--profile")
            if (options.warehouse != null) add("--warehouse")
            WORKSPACE_VARIABLES.filter { !env[it].isNullOrBlank() }.forEach { add(it) }
            val file = env["DATABRICKS_CONFIG_FILE"]?.takeIf { it.isNotBlank() }
            if (file == null && Files.exists(home.resolve(".databrickscfg"))) add(home.resolve(".databrickscfg").toString())
        }

        private val WORKSPACE_VARIABLES = listOf(
            "DATABRICKS_HOST", "DATABRICKS_TOKEN", "DATABRICKS_CLIENT_ID", "DATABRICKS_CLIENT_SECRET",
            "DATABRICKS_CONFIG_PROFILE", "DATABRICKS_CONFIG_FILE", "DATABRICKS_WAREHOUSE_ID",
        )

        /** A host the client would refuse, refused up front as a configuration error naming [what]. */
        private fun checkHost(host: String, what: String) {
            try {
                ClientConfig(host.trim(), "check", AuthConfig.Pat(SecretRef.Inline("unused")))
            } catch (e: ConfigurationException) {
                throw ConfigurationException(what, e.message.removePrefix("host: "), e)
            }
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
