package dev.dbsql.auth

import kotlinx.serialization.SerialName
import kotlinx.serialization.Serializable

/**
 * How a client authenticates, as data: serializable so a worker on another machine can rebuild
 * the same provider with [CredentialsFactory]. Secrets are held as [SecretRef]s.
 */
@Serializable
public sealed interface AuthConfig {
    /** A personal access token. */
    @Serializable
    @SerialName("pat")
    public data class Pat(val token: SecretRef) : AuthConfig
}

/**
 * Where a secret comes from. By default only references (an environment variable) are meant to
 * travel; an [Inline] value is shown as `***` by [toString].
 */
@Serializable
public sealed interface SecretRef {
    /** Reads the secret now. Throws [IllegalStateException] naming the source when it is absent. */
    public fun resolve(): String

    /** A secret given inline. */
    @Serializable
    @SerialName("inline")
    public class Inline(internal val value: String) : SecretRef {
        override fun resolve(): String = value
        override fun toString(): String = "Inline(***)"
        override fun equals(other: Any?): Boolean = other is Inline && other.value == value
        override fun hashCode(): Int = value.hashCode()
    }

    /** A secret read from the environment variable [name] when it is needed. */
    @Serializable
    @SerialName("env")
    public data class Env(val name: String) : SecretRef {
        override fun resolve(): String =
            System.getenv(name)?.takeIf { it.isNotEmpty() }
                ?: throw IllegalStateException("environment variable $name is not set")
    }
}

/** Builds a [CredentialsProvider] from an [AuthConfig]. */
public object CredentialsFactory {
    /** The provider for [config] against the workspace at [host] (e.g. `https://x.cloud.databricks.com`). */
    @Suppress("UNUSED_PARAMETER")
    public fun create(config: AuthConfig, host: String): CredentialsProvider = when (config) {
        is AuthConfig.Pat -> PersonalAccessTokenProvider(config.token.resolve())
    }
}
