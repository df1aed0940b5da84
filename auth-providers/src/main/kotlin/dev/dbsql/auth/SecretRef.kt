package dev.dbsql.auth

import dev.dbsql.auth.internal.InlineSecretSerializer
import kotlinx.serialization.SerialName
import kotlinx.serialization.Serializable

/**
 * Where a secret comes from. References ([Env]) are what should travel between processes; an
 * [Inline] value is shown as `***` by `toString` and written as `"***"` by default serialization
 * (see [AuthSerialization] for the explicit, trusted-transport way to include it).
 */
@Serializable
public sealed interface SecretRef {
    /**
     * Reads the secret now, looking environment references up in [env].
     * Throws [CredentialsException] naming the source (never the value) when it is absent.
     */
    public fun resolve(env: Map<String, String>): String

    /** Reads the secret now from the process environment. */
    public fun resolve(): String = resolve(System.getenv())

    /** A secret given inline. Never printed; serialized as `"***"` unless secrets are explicitly included. */
    @Serializable(with = InlineSecretSerializer::class)
    public class Inline(internal val value: String) : SecretRef {
        init {
            require(value.isNotEmpty()) { "an inline secret must not be empty" }
        }

        override fun resolve(env: Map<String, String>): String = value
        override fun toString(): String = "Inline(***)"
        override fun equals(other: Any?): Boolean = other is Inline && other.value == value
        override fun hashCode(): Int = value.hashCode()
    }

    /** A secret read from the environment variable [name] each time it is needed. */
    @Serializable
    @SerialName("env")
    public data class Env(val name: String) : SecretRef {
        override fun resolve(env: Map<String, String>): String =
            env[name]?.takeIf { it.isNotEmpty() }
                ?: throw CredentialsException("environment variable $name is not set")
    }
}
