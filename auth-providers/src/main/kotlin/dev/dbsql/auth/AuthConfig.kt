package dev.dbsql.auth

import dev.dbsql.auth.internal.ExternalConfigSerializer
import kotlinx.serialization.SerialName
import kotlinx.serialization.Serializable

/**
 * How a client authenticates, as data: serializable, so a worker on another machine can rebuild the
 * same provider with [CredentialsFactory]. Secrets are held as [SecretRef]s; the default JSON form
 * ([toJson]) writes inline secrets as `"***"`, and `toString` never shows them.
 * [External] holds an in-process callback and is the one variant that cannot be serialized.
 */
@Serializable
public sealed interface AuthConfig {
    /**
     * JSON for this configuration. Inline secrets are written as `"***"` (and refused when read back)
     * unless [includeSecrets] is true, which is meant for trusted transport only.
     * Throws [kotlinx.serialization.SerializationException] for [External].
     */
    public fun toJson(includeSecrets: Boolean = false): String = AuthSerialization.encode(this, includeSecrets)

    /** A personal access token. */
    @Serializable
    @SerialName("pat")
    public data class Pat(val token: SecretRef) : AuthConfig

    /**
     * OAuth machine-to-machine (client credentials) for a service principal. [oauthHosts]: hosts
     * besides the workspace's that the discovered OAuth endpoints may be on (see [OAuthM2MProvider]).
     */
    @Serializable
    @SerialName("oauth-m2m")
    public data class OAuthM2M(
        val clientId: String,
        val clientSecret: SecretRef,
        val scopes: List<String> = listOf("all-apis"),
        val oauthHosts: List<String> = emptyList(),
    ) : AuthConfig {
        init {
            require(clientId.isNotBlank()) { "clientId must not be blank" }
            require(scopes.isNotEmpty()) { "scopes must not be empty" }
        }
    }

    /**
     * OAuth user-to-machine: a browser login (authorization code + PKCE) with a loopback redirect on
     * [redirectPort] (0 picks a free port), tokens cached on disk under [cacheDir]
     * (default `~/.dbsql/token-cache`). [oauthHosts]: hosts besides the workspace's that the
     * discovered OAuth endpoints may be on (see [OAuthU2MProvider]).
     */
    @Serializable
    @SerialName("oauth-u2m")
    public data class OAuthU2M(
        val clientId: String = "databricks-cli",
        val scopes: List<String> = listOf("all-apis", "offline_access"),
        val redirectPort: Int = 8020,
        val cacheDir: String? = null,
        val oauthHosts: List<String> = emptyList(),
    ) : AuthConfig {
        init {
            require(clientId.isNotBlank()) { "clientId must not be blank" }
            require(redirectPort in 0..65535) { "redirectPort must be in 0..65535" }
        }
    }

    /**
     * The Databricks CLI's login (`databricks auth login`), read from its token cache
     * [cacheFile] (default `~/.databricks/token-cache.json`) under [profile] or the host; see
     * [DatabricksCliProvider]. [cliPath]: the CLI to run (`databricks auth token`) when the cache has
     * nothing usable; null means `DATABRICKS_CLI_PATH`, else `databricks` on `PATH`.
     */
    @Serializable
    @SerialName("databricks-cli")
    public data class DatabricksCli(
        val profile: String? = null,
        val cacheFile: String? = null,
        val cliPath: String? = null,
        val oauthHosts: List<String> = emptyList(),
    ) : AuthConfig

    /**
     * Workload identity federation with an ID token in the environment variable [variable]
     * (`env-oidc`; see [OidcTokenExchangeProvider]). [clientId]: the service principal's application
     * id (null: account-wide federation); [audience] null: the workspace's token endpoint URL.
     */
    @Serializable
    @SerialName("env-oidc")
    public data class EnvOidc(
        val variable: String = IdTokenSource.DEFAULT_ENV_VARIABLE,
        val clientId: String? = null,
        val audience: String? = null,
        val scopes: List<String> = listOf("all-apis"),
        val oauthHosts: List<String> = emptyList(),
    ) : AuthConfig {
        init {
            require(variable.isNotBlank()) { "variable must not be blank" }
            require(scopes.isNotEmpty()) { "scopes must not be empty" }
        }
    }

    /** Workload identity federation with an ID token read from the file [path] (`file-oidc`); otherwise as [EnvOidc]. */
    @Serializable
    @SerialName("file-oidc")
    public data class FileOidc(
        val path: String,
        val clientId: String? = null,
        val audience: String? = null,
        val scopes: List<String> = listOf("all-apis"),
        val oauthHosts: List<String> = emptyList(),
    ) : AuthConfig {
        init {
            require(path.isNotBlank()) { "path must not be blank" }
            require(scopes.isNotEmpty()) { "scopes must not be empty" }
        }
    }

    /**
     * Workload identity federation from GitHub Actions (`github-oidc`): the ID token comes from
     * `ACTIONS_ID_TOKEN_REQUEST_URL` with `ACTIONS_ID_TOKEN_REQUEST_TOKEN` (read where the provider is
     * built) and is exchanged for the service principal [clientId]; otherwise as [EnvOidc].
     */
    @Serializable
    @SerialName("github-oidc")
    public data class GithubOidc(
        val clientId: String,
        val audience: String? = null,
        val scopes: List<String> = listOf("all-apis"),
        val oauthHosts: List<String> = emptyList(),
    ) : AuthConfig {
        init {
            require(clientId.isNotBlank()) { "clientId must not be blank" }
            require(scopes.isNotEmpty()) { "scopes must not be empty" }
        }
    }

    /**
     * A `~/.databrickscfg` profile. [name] null means `DATABRICKS_CONFIG_PROFILE`, else the file's
     * `[__settings__] default_profile`, else `DEFAULT`; [configFile] null means
     * `DATABRICKS_CONFIG_FILE`, else `~/.databrickscfg`.
     */
    @Serializable
    @SerialName("profile")
    public data class Profile(val name: String? = null, val configFile: String? = null) : AuthConfig

    /** The `DATABRICKS_*` environment variables of the process that builds the provider. */
    @Serializable
    @SerialName("environment")
    public data object Environment : AuthConfig

    /** The default chain: environment variables, then the config-file profile (see [DefaultChainProvider]). */
    @Serializable
    @SerialName("default-chain")
    public data object DefaultChain : AuthConfig

    /**
     * Tokens from an in-process [callback] (see [ExternalTokenProvider]). Cannot be serialized:
     * encoding a configuration that holds one fails with a message saying so.
     */
    @Serializable(with = ExternalConfigSerializer::class)
    public class External(
        public val name: String = "external",
        public val callback: suspend () -> AccessToken,
    ) : AuthConfig {
        override fun toString(): String = "External(name=$name)"
    }

    public companion object {
        /** Reads a configuration written by [toJson]. A redacted inline secret is refused with a clear error. */
        public fun fromJson(json: String): AuthConfig = AuthSerialization.decode(json)
    }
}
