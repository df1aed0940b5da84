package dev.dbsql.auth.internal

import dev.dbsql.auth.AuthConfig
import dev.dbsql.auth.ConfigFileException
import dev.dbsql.auth.CredentialsContext
import dev.dbsql.auth.CredentialsException
import dev.dbsql.auth.IdTokenSource
import dev.dbsql.auth.SecretRef
import java.nio.file.Path

/**
 * A workspace and its credentials as found in one source.
 *
 * @property auth what builds the provider (may hold inline secrets read from a file; stays in-process).
 * @property reference the same credentials as references only (env variable names, profile name).
 */
internal class ResolvedSource(
    val host: String,
    val warehouseId: String?,
    val auth: AuthConfig,
    val reference: AuthConfig,
    val description: String,
)

internal object Sources {
    /** The `DATABRICKS_*` variables. [explicitHost] wins over `DATABRICKS_HOST` but must agree with it. */
    fun environment(context: CredentialsContext, explicitHost: String?): ResolvedSource {
        val env = context.env
        val attrs = ENV_KEYS.mapNotNull { (key, variable) -> env[variable]?.takeIf { it.isNotBlank() }?.let { key to it } }.toMap()
        val what = "environment variables"
        val host = pickHost(explicitHost, attrs["host"], "DATABRICKS_HOST", what)
        val auth = authFromAttributes(attrs, what, names = ENV_KEYS, profileName = null, env = env) { key -> SecretRef.Env(ENV_KEYS.getValue(key)) }
        return ResolvedSource(host, attrs["warehouse_id"], auth, auth, what)
    }

    /**
     * A config-file profile: [name] ?: `DATABRICKS_CONFIG_PROFILE` ?: `[__settings__] default_profile`
     * ?: `DEFAULT`, in [file] ?: `DATABRICKS_CONFIG_FILE` ?: `~/.databrickscfg`.
     * `DATABRICKS_WAREHOUSE_ID` wins over the profile's `warehouse_id`.
     */
    fun profile(context: CredentialsContext, name: String?, file: String?, explicitHost: String?): ResolvedSource {
        val path = configPath(context, file)
        val requested = name ?: context.env["DATABRICKS_CONFIG_PROFILE"]?.takeIf { it.isNotBlank() }
        val config = try {
            ConfigFile.read(path)
        } catch (e: ConfigFileException) {
            if (requested == null) throw e
            throw ConfigFileException("profile '$requested' was asked for, but ${e.message}", e)
        }
        val profileName = requested ?: config.defaultProfile()
        val attrs = config.profile(profileName)
        val what = "profile '$profileName' in $path"
        val host = pickHost(explicitHost, attrs["host"], "host", what)
        val auth = try {
            authFromAttributes(attrs, what, names = null, profileName = profileName, env = null) { key -> SecretRef.Inline(attrs.getValue(key)) }
        } catch (e: CredentialsException) {
            throw ConfigFileException(e.message ?: what, e)
        }
        val warehouse = context.env["DATABRICKS_WAREHOUSE_ID"]?.takeIf { it.isNotBlank() } ?: attrs["warehouse_id"]
        return ResolvedSource(host, warehouse, auth, AuthConfig.Profile(profileName, file), what)
    }

    /**
     * The profile for [explicitHost] when no profile is named: the default profile if its host is
     * [explicitHost], else the first profile of the file whose host is. None: [ConfigFileException]
     * naming the host and the hosts the profiles are for.
     */
    fun profileForHost(context: CredentialsContext, file: String?, explicitHost: String): ResolvedSource {
        val host = normalizeHost(explicitHost, "configured host")
        val path = configPath(context, file)
        val config = ConfigFile.read(path)
        fun hostOf(name: String) = runCatching { config.profile(name)["host"]?.let { normalizeHost(it, name) } }.getOrNull()
        val default = config.defaultProfile()
        val name = default.takeIf { it in config.profileNames && hostOf(it) == host }
            ?: config.profileNames.firstOrNull { hostOf(it) == host }
            ?: throw ConfigFileException(
                "no profile in $path is for $host" +
                    config.profileNames.joinToString(", ", prefix = " (", postfix = ")") { "$it: ${hostOf(it) ?: "no usable host"}" }
                        .takeIf { config.profileNames.isNotEmpty() }.orEmpty() +
                    "; credentials of another host are not used",
            )
        return profile(context, name, file, host)
    }

    fun configPath(context: CredentialsContext, file: String?): Path =
        (file ?: context.env["DATABRICKS_CONFIG_FILE"]?.takeIf { it.isNotBlank() })
            ?.let { expandHome(it, context.homeDir) }
            ?: context.homeDir.resolve(".databrickscfg")

    fun expandHome(path: String, home: Path): Path =
        if (path == "~" || path.startsWith("~/")) home.resolve(path.removePrefix("~").removePrefix("/")) else Path.of(path)

    private fun pickHost(explicit: String?, found: String?, key: String, what: String): String {
        val explicitHost = explicit?.takeIf { it.isNotBlank() }?.let { normalizeHost(it, "configured host") }
        val foundHost = found?.let { normalizeHost(it, what) }
        if (explicitHost != null && foundHost != null && explicitHost != foundHost) {
            throw CredentialsException("$what: its host $foundHost differs from the configured host $explicitHost; its credentials are not sent elsewhere")
        }
        return explicitHost ?: foundHost ?: throw CredentialsException("$what: $key is not set")
    }

    /**
     * Chooses the credentials among `token`, `client_id` + `client_secret`, and the `auth_type`s
     * [SUPPORTED_AUTH_TYPES]. Without an `auth_type`, and for the environment source ([env] given)
     * only, workload identity federation is detected as the Databricks SDKs do: an ID token in
     * `DATABRICKS_OIDC_TOKEN` (or the variable `DATABRICKS_OIDC_TOKEN_ENV` names), a
     * `DATABRICKS_OIDC_TOKEN_FILEPATH`, or GitHub Actions' `ACTIONS_ID_TOKEN_REQUEST_TOKEN` with a
     * `DATABRICKS_CLIENT_ID`. [secret] turns a key into a [SecretRef].
     */
    private fun authFromAttributes(
        attrs: Map<String, String>,
        what: String,
        names: Map<String, String>?,
        profileName: String?,
        env: Map<String, String>?,
        secret: (String) -> SecretRef,
    ): AuthConfig {
        fun n(key: String) = names?.get(key) ?: key
        val authType = attrs["auth_type"]?.lowercase()
        val hasToken = "token" in attrs
        val hasM2M = "client_id" in attrs && "client_secret" in attrs
        val scopes = attrs["scopes"]?.split(' ', ',')?.filter { it.isNotBlank() }?.takeIf { it.isNotEmpty() }
        val filePath = attrs["databricks_id_token_filepath"] ?: attrs["oidc_token_filepath"]
        val oidcVariable = attrs["oidc_token_env"] ?: IdTokenSource.DEFAULT_ENV_VARIABLE
        fun envOidc() = AuthConfig.EnvOidc(oidcVariable, attrs["client_id"], attrs["token_audience"], scopes ?: listOf("all-apis"))
        fun fileOidc(path: String) = AuthConfig.FileOidc(path, attrs["client_id"], attrs["token_audience"], scopes ?: listOf("all-apis"))
        fun githubOidc(clientId: String) = AuthConfig.GithubOidc(clientId, attrs["token_audience"], scopes ?: listOf("all-apis"))
        return when (authType) {
            null -> when {
                hasToken && hasM2M -> throw CredentialsException(
                    "$what: both ${n("token")} and ${n("client_id")}/${n("client_secret")} are set; set ${n("auth_type")} to pat or oauth-m2m",
                )
                hasToken -> AuthConfig.Pat(secret("token"))
                hasM2M -> AuthConfig.OAuthM2M(attrs.getValue("client_id"), secret("client_secret"), scopes ?: listOf("all-apis"))
                env != null && !env[oidcVariable].isNullOrBlank() -> envOidc()
                env != null && filePath != null -> fileOidc(filePath)
                env != null && "client_id" in attrs && !env["ACTIONS_ID_TOKEN_REQUEST_TOKEN"].isNullOrEmpty() -> githubOidc(attrs.getValue("client_id"))
                "client_id" in attrs -> throw CredentialsException("$what: ${n("client_id")} is set but ${n("client_secret")} is not")
                else -> throw CredentialsException(
                    "$what: no credentials (${n("token")}, ${n("client_id")} + ${n("client_secret")}, or an ${n("auth_type")}: " +
                        "${SUPPORTED_AUTH_TYPES.joinToString(", ")})",
                )
            }
            "pat" -> if (hasToken) AuthConfig.Pat(secret("token")) else throw CredentialsException("$what: ${n("auth_type")} is pat but ${n("token")} is not set")
            "oauth-m2m" -> if (hasM2M) {
                AuthConfig.OAuthM2M(attrs.getValue("client_id"), secret("client_secret"), scopes ?: listOf("all-apis"))
            } else {
                throw CredentialsException("$what: ${n("auth_type")} is oauth-m2m but ${n("client_id")} / ${n("client_secret")} are not both set")
            }
            "external-browser", "oauth-u2m" -> {
                val port = attrs["oauth_callback_port"]?.let {
                    it.toIntOrNull()?.takeIf { p -> p in 0..65535 } ?: throw CredentialsException("$what: ${n("oauth_callback_port")} is not a port number")
                }
                AuthConfig.OAuthU2M(
                    clientId = attrs["client_id"] ?: "databricks-cli",
                    scopes = scopes ?: listOf("all-apis", "offline_access"),
                    redirectPort = port ?: 8020,
                )
            }
            "databricks-cli" -> AuthConfig.DatabricksCli(profile = profileName, cliPath = attrs["databricks_cli_path"])
            "env-oidc" -> envOidc()
            "file-oidc" -> fileOidc(filePath ?: throw CredentialsException("$what: ${n("auth_type")} is file-oidc but ${n("databricks_id_token_filepath")} is not set"))
            "github-oidc" -> githubOidc(
                attrs["client_id"] ?: throw CredentialsException("$what: ${n("auth_type")} is github-oidc but ${n("client_id")} is not set"),
            )
            else -> throw CredentialsException(
                "$what: unsupported ${n("auth_type")} '$authType' (supported: ${SUPPORTED_AUTH_TYPES.joinToString(", ")})",
            )
        }
    }

    /** The `auth_type` values a profile or `DATABRICKS_AUTH_TYPE` may name (`oauth-u2m` is an alias of `external-browser`). */
    val SUPPORTED_AUTH_TYPES: List<String> = listOf("pat", "oauth-m2m", "external-browser", "databricks-cli", "env-oidc", "file-oidc", "github-oidc")

    private val ENV_KEYS: Map<String, String> = mapOf(
        "host" to "DATABRICKS_HOST",
        "token" to "DATABRICKS_TOKEN",
        "client_id" to "DATABRICKS_CLIENT_ID",
        "client_secret" to "DATABRICKS_CLIENT_SECRET",
        "auth_type" to "DATABRICKS_AUTH_TYPE",
        "warehouse_id" to "DATABRICKS_WAREHOUSE_ID",
        "oauth_callback_port" to "DATABRICKS_OAUTH_CALLBACK_PORT",
        "oidc_token_env" to "DATABRICKS_OIDC_TOKEN_ENV",
        "databricks_id_token_filepath" to "DATABRICKS_OIDC_TOKEN_FILEPATH",
        "token_audience" to "DATABRICKS_TOKEN_AUDIENCE",
        "databricks_cli_path" to "DATABRICKS_CLI_PATH",
    )
}
