package dev.dbsql.auth

import dev.dbsql.auth.internal.IncludeSecretsMarker
import dev.dbsql.auth.internal.IncludeSecretsMarkerSerializer
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

    internal fun decode(json: String): AuthConfig = redacting.decodeFromString(AuthConfig.serializer(), json)
}
