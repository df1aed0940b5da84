package dev.dbsql.core

import dev.dbsql.core.internal.InstantIsoSerializer
import kotlinx.serialization.SerialName
import kotlinx.serialization.Serializable
import kotlinx.serialization.SerializationException
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.intOrNull
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import java.time.Instant

/**
 * A reference to a statement on a warehouse that survives the process: save [toJson] anywhere
 * (a database row, a message queue) and give [fromJson]'s result to any [DatabricksSqlClient]
 * configured for the same host and warehouse — in this process or another one, before or after a
 * restart — to `status`, `await`, `cancel` or `close` the statement.
 *
 * Immutable value; safe to share. It holds no credentials.
 *
 * @property host the workspace URL the statement runs on (`https://...`).
 * @property submittedAt when the statement was submitted (client clock).
 * @property tag a free label chosen by the caller (see [ExecuteOptions.tag]).
 * @property progress free string pairs recorded by readers of the result (e.g. the next chunk to
 *   read), so a resumed reader can continue where the last one stopped.
 */
@Serializable
public data class StatementHandle(
    @SerialName("host") val host: String,
    @SerialName("warehouse_id") val warehouseId: String,
    @SerialName("statement_id") val statementId: String,
    @Serializable(with = InstantIsoSerializer::class)
    @SerialName("submitted_at") val submittedAt: Instant,
    @SerialName("tag") val tag: String? = null,
    @SerialName("progress") val progress: Map<String, String> = emptyMap(),
) {
    /** The format version written by [toJson]. */
    @SerialName("version")
    val version: Int = FORMAT_VERSION

    /** A copy whose [progress] has [key] set to [value]. */
    public fun withProgress(key: String, value: String): StatementHandle = copy(progress = progress + (key to value))

    /** This handle as versioned JSON (a single line). */
    public fun toJson(): String = json.encodeToString(serializer(), this)

    public companion object {
        /** The handle format this SDK writes and reads. */
        public const val FORMAT_VERSION: Int = 1

        private val json = Json { ignoreUnknownKeys = true; encodeDefaults = true; explicitNulls = false }

        /**
         * Reads a handle written by [toJson].
         * @throws InvalidHandleException when [text] is not a handle or has a version this SDK does not know.
         */
        @JvmStatic
        public fun fromJson(text: String): StatementHandle {
            val obj: JsonObject = try {
                json.parseToJsonElement(text).jsonObject
            } catch (e: Exception) {
                throw InvalidHandleException("not a statement handle (invalid JSON): ${e.message}", e)
            }
            val version = (obj["version"] as? kotlinx.serialization.json.JsonPrimitive)?.intOrNull
                ?: throw InvalidHandleException("not a statement handle: no \"version\" field")
            if (version != FORMAT_VERSION) {
                throw InvalidHandleException(
                    "statement handle version $version is not supported (this SDK reads version $FORMAT_VERSION)",
                )
            }
            return try {
                json.decodeFromJsonElement(serializer(), obj)
            } catch (e: SerializationException) {
                throw InvalidHandleException("statement handle is incomplete: ${e.message}", e)
            } catch (e: RuntimeException) {
                throw InvalidHandleException("statement handle is invalid: ${e.message}", e)
            }
        }
    }
}
