package dev.dbsql.core.internal

import dev.dbsql.core.PemSource
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
import kotlinx.serialization.modules.SerializersModule

/** Present in a `SerializersModule` only when inline private keys may be written in clear. */
internal object IncludePrivateKeysMarker

internal object IncludePrivateKeysMarkerSerializer : KSerializer<IncludePrivateKeysMarker> {
    override val descriptor: SerialDescriptor = PrimitiveSerialDescriptor("dev.dbsql.core.IncludePrivateKeys", PrimitiveKind.STRING)
    override fun serialize(encoder: Encoder, value: IncludePrivateKeysMarker): Unit = encoder.encodeString("")
    override fun deserialize(decoder: Decoder): IncludePrivateKeysMarker = IncludePrivateKeysMarker
}

internal val includePrivateKeysModule: SerializersModule = SerializersModule {
    contextual(IncludePrivateKeysMarker::class, IncludePrivateKeysMarkerSerializer)
}

/** True when [pem] holds a private key (`-----BEGIN ... PRIVATE KEY-----`). */
internal fun holdsPrivateKey(pem: String): Boolean = pem.contains("PRIVATE KEY-----")

/**
 * `{"pem": "..."}`, except that PEM text holding a private key is written as `{"redacted": true}`
 * by any `Json` whose module lacks [IncludePrivateKeysMarker] — the same default as inline tokens.
 * Reading a redacted one fails with a message saying so.
 */
internal object InlinePemSerializer : KSerializer<PemSource.Inline> {
    override val descriptor: SerialDescriptor = buildClassSerialDescriptor("inline") {
        element<String>("pem", isOptional = true)
        element<Boolean>("redacted", isOptional = true)
    }

    override fun serialize(encoder: Encoder, value: PemSource.Inline) {
        val include = encoder.serializersModule.getContextual(IncludePrivateKeysMarker::class) != null
        encoder.encodeStructure(descriptor) {
            if (include || !holdsPrivateKey(value.pem)) encodeStringElement(descriptor, 0, value.pem) else encodeBooleanElement(descriptor, 1, true)
        }
    }

    override fun deserialize(decoder: Decoder): PemSource.Inline {
        var pem: String? = null
        var redacted = false
        decoder.decodeStructure(descriptor) {
            while (true) {
                when (val index = decodeElementIndex(descriptor)) {
                    CompositeDecoder.DECODE_DONE -> break
                    0 -> pem = decodeStringElement(descriptor, 0)
                    1 -> redacted = decodeBooleanElement(descriptor, 1)
                    else -> throw SerializationException("unexpected element index $index in inline PEM")
                }
            }
        }
        if (redacted) throw SerializationException("this inline private key was redacted when the configuration was written; write it with toJson(includeSecrets = true) or use PemSource.File")
        return PemSource.Inline(pem ?: throw SerializationException("inline PEM has no 'pem'"))
    }
}
