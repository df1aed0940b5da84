package dev.dbsql.auth

import dev.dbsql.auth.internal.Sources
import java.nio.file.Path

/**
 * Builds a [CredentialsProvider] from an [AuthConfig], on this machine: secret references are read
 * here, from [CredentialsContext.env] and the config file under [CredentialsContext.homeDir].
 * The caller owns the returned provider and closes it when it is [AutoCloseable].
 */
public object CredentialsFactory {
    /**
     * The provider for [config] against the workspace at [host] (e.g. `https://x.cloud.databricks.com`;
     * a missing scheme means https). OAuth variants need a host; [AuthConfig.Profile] and
     * [AuthConfig.Environment] take it from their source when [host] is null, and refuse a source
     * whose host differs from it. Throws [CredentialsException] when the configuration cannot be used.
     */
    public fun create(config: AuthConfig, host: String?, context: CredentialsContext = CredentialsContext()): CredentialsProvider =
        when (config) {
            is AuthConfig.Pat -> PersonalAccessTokenProvider(config.token.resolve(context.env))
            is AuthConfig.OAuthM2M -> OAuthM2MProvider(
                host = requireHost(host, "OAuth M2M"),
                clientId = config.clientId,
                clientSecret = config.clientSecret.resolve(context.env),
                scopes = config.scopes,
                httpClient = context.httpClient,
                clock = context.clock,
                refreshPolicy = context.refreshPolicy,
                oauthHosts = config.oauthHosts,
            )
            is AuthConfig.OAuthU2M -> OAuthU2MProvider(
                host = requireHost(host, "OAuth U2M"),
                clientId = config.clientId,
                scopes = config.scopes,
                redirectPort = config.redirectPort,
                cacheDir = config.cacheDir?.let(Path::of) ?: OAuthU2MProvider.defaultCacheDir(context.homeDir),
                browser = context.browser,
                httpClient = context.httpClient,
                clock = context.clock,
                refreshPolicy = context.refreshPolicy,
                oauthHosts = config.oauthHosts,
            )
            is AuthConfig.DatabricksCli -> DatabricksCliProvider(
                host = requireHost(host, "databricks-cli"),
                profile = config.profile,
                cacheFile = config.cacheFile?.let { Sources.expandHome(it, context.homeDir) }
                    ?: DatabricksCliProvider.defaultCacheFile(context.homeDir),
                cli = DatabricksCliProvider.findCli(
                    config.cliPath ?: context.env["DATABRICKS_CLI_PATH"]?.takeIf { it.isNotBlank() },
                    context.env["PATH"],
                ),
                httpClient = context.httpClient,
                clock = context.clock,
                refreshPolicy = context.refreshPolicy,
                oauthHosts = config.oauthHosts,
            )
            is AuthConfig.EnvOidc -> oidc(
                "env-oidc", host, context, IdTokenSource.environment(config.variable, context.env),
                config.clientId, config.audience, config.scopes, config.oauthHosts,
            )
            is AuthConfig.FileOidc -> oidc(
                "file-oidc", host, context, IdTokenSource.file(Sources.expandHome(config.path, context.homeDir)),
                config.clientId, config.audience, config.scopes, config.oauthHosts,
            )
            is AuthConfig.GithubOidc -> {
                fun variable(name: String) = context.env[name]?.takeIf { it.isNotEmpty() }
                    ?: throw CredentialsException("github-oidc: $name is not set (is this a GitHub Actions job with `permissions: id-token: write`?)")
                val source = IdTokenSource.githubActions(variable("ACTIONS_ID_TOKEN_REQUEST_URL"), variable("ACTIONS_ID_TOKEN_REQUEST_TOKEN"))
                oidc("github-oidc", host, context, source, config.clientId, config.audience, config.scopes, config.oauthHosts)
            }
            is AuthConfig.Profile -> Sources.profile(context, config.name, config.configFile, host).let {
                create(it.auth, it.host, context)
            }
            is AuthConfig.Environment -> Sources.environment(context, host).let { create(it.auth, it.host, context) }
            is AuthConfig.DefaultChain -> DefaultChainProvider(host = host, context = context)
            is AuthConfig.External -> ExternalTokenProvider(config.name, context.clock, context.refreshPolicy, config.callback)
        }

    private fun oidc(
        name: String,
        host: String?,
        context: CredentialsContext,
        source: IdTokenSource,
        clientId: String?,
        audience: String?,
        scopes: List<String>,
        oauthHosts: List<String>,
    ): CredentialsProvider = OidcTokenExchangeProvider(
        host = requireHost(host, name),
        idTokenSource = source,
        clientId = clientId,
        audience = audience,
        scopes = scopes,
        httpClient = context.httpClient,
        clock = context.clock,
        refreshPolicy = context.refreshPolicy,
        oauthHosts = oauthHosts,
        name = name,
    )

    private fun requireHost(host: String?, what: String): String =
        host?.takeIf { it.isNotBlank() } ?: throw CredentialsException("$what needs the workspace host")
}
