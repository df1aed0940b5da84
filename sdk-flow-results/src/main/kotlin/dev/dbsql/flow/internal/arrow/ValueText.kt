package dev.dbsql.flow.internal.arrow

import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonNull
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import java.math.BigDecimal
import java.util.Base64

/** Renders values from [ArrowValues.read] as text: the one rule behind `Row.getString`. */
internal object ValueText {
    /** A TIMESTAMP as the server writes it: `yyyy-MM-ddTHH:mm:ss.SSS[SSS]` and the offset (`Z` for zero). */
    fun timestamp(t: java.time.ZonedDateTime): String {
        val micros = t.nano / 1_000
        val fraction = if (micros % 1_000 == 0) (micros / 1_000).toString().padStart(3, '0') else micros.toString().padStart(6, '0')
        return "${SECONDS.format(t)}.$fraction${t.offset.id}"
    }

    private val SECONDS: java.time.format.DateTimeFormatter = java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss")

    fun render(value: Any): String = when (value) {
        is String -> value
        is List<*>, is Map<*, *> -> toJson(value).toString()
        else -> scalar(value)
    }

    private fun scalar(value: Any): String = when (value) {
        is BigDecimal -> value.toPlainString()
        is ByteArray -> Base64.getEncoder().encodeToString(value)
        else -> value.toString()
    }

    private fun toJson(value: Any?): JsonElement = when (value) {
        null -> JsonNull
        is Boolean -> JsonPrimitive(value)
        is Number -> if (value is BigDecimal) JsonPrimitive(value) else JsonPrimitive(value)
        is String -> JsonPrimitive(value)
        is List<*> -> JsonArray(value.map { toJson(it) })
        is Map<*, *> -> JsonObject(value.entries.associate { (k, v) -> keyText(k) to toJson(v) })
        else -> JsonPrimitive(scalar(value))
    }

    private fun keyText(key: Any?): String = when (key) {
        null -> "null"
        is List<*> -> Base64.getEncoder().encodeToString(ByteArray(key.size) { (key[it] as Byte) })
        else -> render(key)
    }
}
