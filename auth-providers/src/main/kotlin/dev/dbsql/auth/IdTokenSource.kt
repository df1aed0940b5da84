package dev.dbsql.auth

import dev.dbsql.auth.internal.FileIdTokenSource
import dev.dbsql.auth.internal.GithubActionsIdTokenSource
import io.ktor.client.HttpClient
import java.nio.file.Path

/**
 * Where [OidcTokenExchangeProvider] gets the ID token (a JWT from the workload's identity
 * provider) it exchanges for a Databricks token. Called on every exchange (ID tokens are short
 * lived), from the provider's refresh coroutine; implementations may suspend and must be
 * thread-safe. The returned token is a secret: implementations never log it or put it in messages.
 */
public interface IdTokenSource {
    /** A short, stable description for messages (no secret), e.g. `environment variable DATABRICKS_OIDC_TOKEN`. */
    public val description: String

    /**
     * An ID token for [audience]. [http] is the HTTP client of the asking provider, for sources that
     * fetch tokens over HTTP (never closed here). Throws [CredentialsException] naming the source
     * (never a value) when no token can be had.
     */
    public suspend fun idToken(audience: String, http: HttpClient): String

    public companion object {
        /** The token in the environment variable [variable] of [env] (`env-oidc`), read on each call. */
        public fun environment(variable: String = DEFAULT_ENV_VARIABLE, env: Map<String, String> = System.getenv()): IdTokenSource {
            require(variable.isNotBlank()) { "variable must not be blank" }
            return object : IdTokenSource {
                override val description: String get() = "environment variable $variable"

                override suspend fun idToken(audience: String, http: HttpClient): String =
                    env[variable]?.trim()?.takeIf { it.isNotEmpty() }
                        ?: throw CredentialsException("no OIDC ID token: environment variable $variable is not set")

                override fun toString(): String = "IdTokenSource($description)"
            }
        }

        /** The token in the file at [path] (`file-oidc`), read (on `Dispatchers.IO`, at most 64 KiB) on each call. */
        public fun file(path: Path): IdTokenSource = FileIdTokenSource(path)

        /**
         * GitHub Actions OIDC (`github-oidc`): `GET [requestUrl]&audience=…` with
         * `Authorization: Bearer [requestToken]` (the `ACTIONS_ID_TOKEN_REQUEST_URL` and
         * `ACTIONS_ID_TOKEN_REQUEST_TOKEN` of a job with `permissions: id-token: write`); the answer's
         * `value` is the ID token. [requestToken] goes to [requestUrl] only.
         */
        public fun githubActions(requestUrl: String, requestToken: String): IdTokenSource =
            GithubActionsIdTokenSource(requestUrl, requestToken)

        /** `DATABRICKS_OIDC_TOKEN`, the variable `env-oidc` reads unless told otherwise. */
        public const val DEFAULT_ENV_VARIABLE: String = "DATABRICKS_OIDC_TOKEN"
    }
}
