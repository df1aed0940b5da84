package dev.dbsql.auth

import dev.dbsql.auth.internal.Sources
import java.nio.file.Path

/**
 * Which workspace is configured, and how to authenticate to it, as found in the environment or a
 * config-file profile (the answer to "which workspace is configured?"). [auth] holds references
 * only: `SecretRef.Env` for environment variables, [AuthConfig.Profile] for a profile.
 *
 * @property source a description of where the settings came from, e.g. `environment variables`.
 */
public data class WorkspaceSettings(
    val host: String,
    val warehouseId: String?,
    val auth: AuthConfig,
    val source: String,
) {
    public companion object {
        /**
         * Resolves the settings, in this order:
         * 1. the `DATABRICKS_*` environment variables ([env]), unless a profile is requested
         *    ([profile] or `DATABRICKS_CONFIG_PROFILE`);
         * 2. a profile of [configFile] (default `DATABRICKS_CONFIG_FILE`, else `~/.databrickscfg`
         *    under [homeDir]): [profile], else `DATABRICKS_CONFIG_PROFILE`, else
         *    `[__settings__] default_profile`, else `DEFAULT`. `DATABRICKS_WAREHOUSE_ID` wins over
         *    the profile's `warehouse_id`.
         *
         * With an explicit [host], only credentials for that host are used: the environment when
         * `DATABRICKS_HOST` is that host or unset, else the requested profile if its host is that
         * host, else (no profile requested) the default profile or the first profile for that host.
         * A source bound to another host is refused, its host and [host] named in the error.
         *
         * Hosts are normalised (`https://` added, trailing `/` removed). Throws
         * [CredentialsNotFoundException] listing each source and why it did not apply.
         */
        public fun resolve(
            env: Map<String, String> = System.getenv(),
            homeDir: Path = Path.of(System.getProperty("user.home")),
            profile: String? = null,
            configFile: Path? = null,
            host: String? = null,
        ): WorkspaceSettings {
            val context = CredentialsContext(env = env, homeDir = homeDir)
            val failures = mutableListOf<Pair<String, Exception>>()
            val profileRequested = profile != null || !env["DATABRICKS_CONFIG_PROFILE"].isNullOrBlank()
            if (!profileRequested) {
                try {
                    return Sources.environment(context, host).toSettings()
                } catch (e: CredentialsException) {
                    failures += "environment variables" to e
                }
            }
            try {
                val found = if (host != null && !profileRequested) {
                    Sources.profileForHost(context, configFile?.toString(), host)
                } else {
                    Sources.profile(context, profile, configFile?.toString(), host)
                }
                return found.toSettings()
            } catch (e: CredentialsException) {
                failures += "config profile" to e
            }
            throw notFound(if (host == null) "no Databricks workspace is configured" else "no credentials for $host are configured", failures)
        }

        private fun dev.dbsql.auth.internal.ResolvedSource.toSettings() =
            WorkspaceSettings(host, warehouseId, reference, description)
    }
}

/** One summary error for a list of failed sources: each reason in the message, each exception suppressed. */
internal fun notFound(summary: String, failures: List<Pair<String, Exception>>): CredentialsNotFoundException {
    val lines = failures.joinToString("\n") { (source, e) ->
        val message = e.message ?: e.javaClass.simpleName
        if (message.startsWith(source)) "  - $message" else "  - $source: $message"
    }
    return CredentialsNotFoundException("$summary; tried:\n$lines").apply {
        failures.forEach { addSuppressed(it.second) }
    }
}
