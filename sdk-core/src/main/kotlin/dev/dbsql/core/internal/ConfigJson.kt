package dev.dbsql.core.internal

import dev.dbsql.auth.AuthConfig
import dev.dbsql.auth.AuthSerialization
import dev.dbsql.core.ClientConfig
import dev.dbsql.core.ConfigurationException
import kotlinx.serialization.MissingFieldException
import kotlinx.serialization.SerializationException
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.booleanOrNull
import kotlinx.serialization.json.contentOrNull
import kotlinx.serialization.modules.plus

/**
 * JSON form of [ClientConfig]. Inline secrets (`{"type":"inline", ...}` objects under `auth` and
 * `tls.clientKey`) become `{"type":"inline","redacted":true}` unless secrets are asked for.
 */
@OptIn(kotlinx.serialization.ExperimentalSerializationApi::class)
internal object ConfigJson {
    private val json = Json {
        encodeDefaults = true
        ignoreUnknownKeys = true
        explicitNulls = false
    }

    /** Writes inline auth secrets in clear (the auth module's opt-in); for `includeSecrets = true` only. */
    private val trusted = Json(json) { serializersModule = AuthSerialization.includeSecretsModule + includePrivateKeysModule }

    fun encode(config: ClientConfig, includeSecrets: Boolean): String {
        val tree = try {
            (if (includeSecrets) trusted else json).encodeToJsonElement(ClientConfig.serializer(), config) as JsonObject
        } catch (e: SerializationException) {
            throw ConfigurationException("auth", "this configuration cannot be serialized: ${e.message}", e)
        }
        if (includeSecrets) return tree.toString()
        val out = tree.toMutableMap()
        out["auth"]?.let { out["auth"] = redactInline(it) }
        // inline PEM holding a private key is already redacted by InlinePemSerializer; clientKey always is
        (out["tls"] as? JsonObject)?.let { tls ->
            out["tls"] = JsonObject(tls.mapValues { (k, v) -> if (k == "clientKey") redactInline(v) else v })
        }
        return JsonObject(out).toString()
    }

    /** [auth] as redacted JSON text, for `toString`. */
    fun redactedAuth(auth: AuthConfig): String =
        runCatching { redactInline(json.encodeToJsonElement(AuthConfig.serializer(), auth)).toString() }
            .getOrDefault(auth::class.simpleName ?: "AuthConfig")

    fun decode(text: String): ClientConfig {
        // Errors name the offset or the field, never a value: the text may hold inline secrets, and
        // the decoder's own messages quote the input. So no decoder exception is kept as a cause.
        val tree = try {
            json.parseToJsonElement(text)
        } catch (e: SerializationException) {
            throw ConfigurationException("json", SafeJsonErrors.syntax(e))
        }
        findRedacted(tree, "")?.let { path ->
            throw ConfigurationException(
                path,
                "the secret was redacted when this JSON was written; write it with toJson(includeSecrets = true) " +
                    "or use a secret reference (e.g. SecretRef.Env)",
            )
        }
        return try {
            // from the text, not the tree: the text decoder reports the full path of a bad value
            json.decodeFromString(ClientConfig.serializer(), text)
        } catch (e: RuntimeException) {
            // a value rejected by a constructor may arrive wrapped by the decoder
            generateSequence<Throwable>(e) { it.cause }.take(10).filterIsInstance<ConfigurationException>().firstOrNull()?.let { throw it }
            if (e is MissingFieldException) throw ConfigurationException(e.missingFields.first(), "missing (a ClientConfig needs ${e.missingFields.joinToString()})")
            val field = SafeJsonErrors.field(e)
            throw ConfigurationException(field ?: "json", "not a valid ClientConfig value: ${SafeJsonErrors.describe(e, tree)}")
        }
    }

    private val REDACTED = JsonObject(mapOf("type" to JsonPrimitive("inline"), "redacted" to JsonPrimitive(true)))

    private fun redactInline(e: JsonElement): JsonElement = when (e) {
        is JsonObject ->
            if ((e["type"] as? JsonPrimitive)?.contentOrNull == "inline") REDACTED
            else JsonObject(e.mapValues { redactInline(it.value) })
        is JsonArray -> JsonArray(e.map { redactInline(it) })
        else -> e
    }

    private fun findRedacted(e: JsonElement, path: String): String? = when (e) {
        is JsonObject ->
            if ((e["redacted"] as? JsonPrimitive)?.booleanOrNull == true) path.ifEmpty { "json" }
            else e.entries.firstNotNullOfOrNull { (k, v) -> findRedacted(v, if (path.isEmpty()) k else "$path.$k") }
        is JsonArray -> e.withIndex().firstNotNullOfOrNull { (i, v) -> findRedacted(v, "$path[$i]") }
        else -> null
    }
}
