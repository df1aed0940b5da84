package dev.dbsql.auth.internal

import dev.dbsql.auth.AuthConfig
import dev.dbsql.auth.SecretRef
import kotlinx.serialization.KSerializer
import kotlinx.serialization.SerializationException
import kotlinx.serialization.descriptors.PrimitiveKind
import kotlinx.serialization.descriptors.PrimitiveSerialDescriptor
import kotlinx.serialization.descriptors.SerialDescriptor
import kotlinx.serialization.descriptors.buildClassSerialDescriptor
import kotlinx.serialization.descriptors.element
import kotlinx.serialization.encoding.CompositeDecoder
import kotlinx.serialization.encoding.Decoder
import kotlinx.serialization.encoding.Encoder
import kotlinx.serialization.encoding.decodeStructure
import kotlinx.serialization.encoding.encodeStructure

internal const val REDACTED: String = "***"

/** Present in a `SerializersModule` only when inline secrets may be written in clear. */
internal object IncludeSecretsMarker

internal object IncludeSecretsMarkerSerializer : KSerializer<IncludeSecretsMarker> {
    override val descriptor: SerialDescriptor =
        PrimitiveSerialDescriptor("dev.dbsql.auth.IncludeSecrets", PrimitiveKind.STRING)

    override fun serialize(encoder: Encoder, value: IncludeSecretsMarker): Unit = encoder.encodeString("")
    override fun deserialize(decoder: Decoder): IncludeSecretsMarker = IncludeSecretsMarker
}

/** Writes `{"value":"***"}` unless the encoder's module carries [IncludeSecretsMarker]. */
internal object InlineSecretSerializer : KSerializer<SecretRef.Inline> {
    override val descriptor: SerialDescriptor = buildClassSerialDescriptor("inline") {
        element<String>("value")
    }

    override fun serialize(encoder: Encoder, value: SecretRef.Inline) {
        val include = encoder.serializersModule.getContextual(IncludeSecretsMarker::class) != null
        encoder.encodeStructure(descriptor) {
            encodeStringElement(descriptor, 0, if (include) value.value else REDACTED)
        }
    }

    override fun deserialize(decoder: Decoder): SecretRef.Inline {
        var value: String? = null
        decoder.decodeStructure(descriptor) {
            while (true) {
                when (val index = decodeElementIndex(descriptor)) {
                    CompositeDecoder.DECODE_DONE -> break
                    0 -> value = decodeStringElement(descriptor, 0)
                    else -> throw SerializationException("unexpected element index $index in an inline secret")
                }
            }
        }
        val v = value ?: throw SerializationException("an inline secret has no 'value'")
        if (v == REDACTED) {
            throw SerializationException(
                "this inline secret was redacted when the configuration was serialized; serialize it " +
                    "with AuthConfig.toJson(includeSecrets = true) (trusted transport only), or use a " +
                    "secret reference (SecretRef.Env, AuthConfig.Profile) instead",
            )
        }
        if (v.isEmpty()) throw SerializationException("an inline secret must not be empty")
        return SecretRef.Inline(v)
    }
}

/** Refuses to serialize [AuthConfig.External]: a callback cannot leave the process. */
internal object ExternalConfigSerializer : KSerializer<AuthConfig.External> {
    override val descriptor: SerialDescriptor = buildClassSerialDescriptor("external") {
        element<String>("name")
    }

    private const val MESSAGE: String =
        "AuthConfig.External holds an in-process token callback and cannot be serialized; use Pat, " +
            "OAuthM2M, OAuthU2M, Profile, Environment or DefaultChain for a configuration that travels"

    override fun serialize(encoder: Encoder, value: AuthConfig.External): Nothing = throw SerializationException(MESSAGE)
    override fun deserialize(decoder: Decoder): AuthConfig.External = throw SerializationException(MESSAGE)
}
