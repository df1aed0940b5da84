package dev.dbsql.auth

import dev.dbsql.auth.internal.Sources

/**
 * The default credentials chain. Resolution order:
 * 1. the [explicit] configuration, when given;
 * 2. the `DATABRICKS_*` environment variables of [context] (`DATABRICKS_HOST` with
 *    `DATABRICKS_TOKEN`, or `DATABRICKS_CLIENT_ID` + `DATABRICKS_CLIENT_SECRET`, or an ID token
 *    for workload identity federation — `DATABRICKS_OIDC_TOKEN` / `DATABRICKS_OIDC_TOKEN_ENV`,
 *    `DATABRICKS_OIDC_TOKEN_FILEPATH`, GitHub Actions OIDC with `DATABRICKS_CLIENT_ID` — or a
 *    `DATABRICKS_AUTH_TYPE`), skipped when a profile is requested;
 * 3. a `~/.databrickscfg` profile: [profile], else `DATABRICKS_CONFIG_PROFILE`, else
 *    `[__settings__] default_profile`, else `DEFAULT` (file: `DATABRICKS_CONFIG_FILE` or
 *    `~/.databrickscfg` under [CredentialsContext.homeDir]). With a [host] and no profile
 *    requested, the default profile if it is for [host], else the first profile for [host];
 * 4. the Databricks CLI's login for [host] (else `DATABRICKS_HOST`) in
 *    `~/.databricks/token-cache.json` (see [DatabricksCliProvider]), skipped when a profile is
 *    requested or no host is known.
 *
 * A source whose host differs from [host] (when given) is refused, so credentials are never sent to
 * another workspace. See [ChainCredentialsProvider] for how failures are reported and what [close]
 * closes; the [CredentialsContext.httpClient], if any, stays the caller's.
 */
public class DefaultChainProvider(
    explicit: AuthConfig? = null,
    host: String? = null,
    profile: String? = null,
    context: CredentialsContext = CredentialsContext(),
) : CredentialsProvider, AutoCloseable {
    private val chain = ChainCredentialsProvider(
        listOf(
            ChainCredentialsProvider.Source("explicit configuration") {
                if (explicit == null || explicit is AuthConfig.DefaultChain) throw CredentialsException("none given")
                CredentialsFactory.create(explicit, host, context)
            },
            ChainCredentialsProvider.Source("environment variables") {
                val requested = profile ?: context.env["DATABRICKS_CONFIG_PROFILE"]?.takeIf { it.isNotBlank() }
                if (requested != null) throw CredentialsException("skipped: profile '$requested' is requested")
                val found = Sources.environment(context, host)
                CredentialsFactory.create(found.auth, found.host, context)
            },
            ChainCredentialsProvider.Source("config profile") {
                val requested = profile ?: context.env["DATABRICKS_CONFIG_PROFILE"]?.takeIf { it.isNotBlank() }
                val found = if (host != null && requested == null) Sources.profileForHost(context, null, host) else Sources.profile(context, profile, null, host)
                CredentialsFactory.create(found.auth, found.host, context)
            },
            ChainCredentialsProvider.Source("databricks CLI login") {
                val requested = profile ?: context.env["DATABRICKS_CONFIG_PROFILE"]?.takeIf { it.isNotBlank() }
                if (requested != null) throw CredentialsException("skipped: profile '$requested' is requested")
                val cliHost = host ?: context.env["DATABRICKS_HOST"]?.takeIf { it.isNotBlank() }
                    ?: throw CredentialsException("skipped: no host (give one or set DATABRICKS_HOST)")
                CredentialsFactory.create(AuthConfig.DatabricksCli(), cliHost, context)
            },
        ),
    )

    override val name: String get() = chain.name

    /** The name of the source in use, or null before the first successful [token] call. */
    public val selectedSource: String? get() = chain.selectedSource

    override suspend fun token(): AccessToken = chain.token()

    override suspend fun invalidate(token: AccessToken): Unit = chain.invalidate(token)

    override fun close(): Unit = chain.close()

    override fun toString(): String = "DefaultChainProvider($chain)"
}
