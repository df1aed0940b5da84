package dev.dbsql.core.internal

import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive

/**
 * Error text for configuration JSON that could not be read, safe to show: it names the offset or
 * the field (the decoder's path), never a value. The decoder's messages quote the input
 * (`JSON input: ...`, `had '...'`, `For input string: "..."`), so only their first line is kept,
 * with every string value of the input replaced by `***`.
 */
internal object SafeJsonErrors {
    private val PATH = Regex("""at (?:path|element):? (\$\S*)""")
    private val OFFSET = Regex("""at offset (-?\d+)""")

    /** `auth.token` for a decoder path `$.auth.token`; null for the root or when there is none. */
    fun field(e: Throwable): String? =
        generateSequence(e) { it.cause }.take(5).mapNotNull { PATH.find(it.message.orEmpty())?.groupValues?.get(1) }.firstOrNull()
            ?.removePrefix("$")?.removePrefix(".")?.takeIf { it.isNotEmpty() }

    /** For text that is not JSON at all: the offset only. */
    fun syntax(e: Throwable): String =
        "not valid JSON" + (OFFSET.find(e.message.orEmpty())?.groupValues?.get(1)?.takeIf { it != "-1" }?.let { " (at offset $it)" } ?: "")

    /** For a JSON [tree] that does not fit the expected type: the decoder's first line, scrubbed. */
    fun describe(e: Throwable, tree: JsonElement): String {
        val first = (e.message ?: e.javaClass.simpleName).substringBefore("JSON input").lineSequence().first()
            .replace(PATH, "").trim().trimEnd('.', ',')
        // these name the unknown discriminator, which is a value too
        if (first.contains("polymorphic", ignoreCase = true) || first.contains("discriminator", ignoreCase = true)) return "unknown or missing 'type'"
        return scrub(first, tree)
    }

    /**
     * [text] with each string value of [tree] (4 characters or more, raw or JSON-escaped) replaced
     * by `***`; the values of `type` keys (class discriminators such as `inline`) are kept.
     */
    fun scrub(text: String, tree: JsonElement): String {
        val values = mutableSetOf<String>()
        fun collect(e: JsonElement) {
            when (e) {
                is JsonObject -> e.forEach { (key, value) -> if (key != "type" || value !is JsonPrimitive) collect(value) }
                is JsonArray -> e.forEach(::collect)
                is JsonPrimitive -> if (e.content.length >= 4) {
                    values += e.content
                    values += e.toString().removeSurrounding("\"")
                }
            }
        }
        collect(tree)
        return values.sortedByDescending { it.length }.fold(text) { acc, v -> acc.replace(v, "***") }
    }
}
