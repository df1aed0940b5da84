package dev.dbsql.auth

import dev.dbsql.auth.internal.IncludeSecretsMarker
import dev.dbsql.auth.internal.IncludeSecretsMarkerSerializer
import dev.dbsql.auth.internal.SafeJsonErrors
import kotlinx.serialization.SerializationException
import kotlinx.serialization.json.Json
import kotlinx.serialization.modules.SerializersModule

/**
 * JSON settings for [AuthConfig] and [SecretRef].
 *
 * The safe path is the default: any `Json` writes a [SecretRef.Inline] as `"***"`, and reading
 * `"***"` back fails. Including the value requires opting in, either through
 * `AuthConfig.toJson(includeSecrets = true)` or by adding [includeSecretsModule] to a `Json`
 * instance used for trusted transport (e.g. a configuration embedded in a larger serializable type).
 */
public object AuthSerialization {
    /** Add this module to a `Json` to write inline secrets in clear. Use only for trusted transport. */
    public val includeSecretsModule: SerializersModule = SerializersModule {
        contextual(IncludeSecretsMarker::class, IncludeSecretsMarkerSerializer)
    }

    private val redacting = Json { encodeDefaults = true }
    private val trusted = Json(redacting) { serializersModule = includeSecretsModule }

    internal fun encode(config: AuthConfig, includeSecrets: Boolean): String =
        (if (includeSecrets) trusted else redacting).encodeToString(AuthConfig.serializer(), config)

    /** Errors name the offset or field, never a value of [json] (it may hold inline secrets). */
    internal fun decode(json: String): AuthConfig {
        val tree = try {
            redacting.parseToJsonElement(json)
        } catch (e: SerializationException) {
            throw SerializationException("AuthConfig: ${SafeJsonErrors.syntax(e)}")
        }
        return try {
            redacting.decodeFromString(AuthConfig.serializer(), json) // the text decoder reports full paths
        } catch (e: IllegalArgumentException) {
            // SerializationException is one; a failed require() in a constructor is one too
            val field = SafeJsonErrors.field(e)
            throw SerializationException("AuthConfig${field?.let { " field '$it'" } ?: ""}: ${SafeJsonErrors.describe(e, tree)}")
        }
    }
}
