package dev.dbsql.core.fuzz

import io.kotest.property.Arb
import io.kotest.property.arbitrary.arbitrary
import kotlin.random.Random

/**
 * Hostile variants of valid inputs for the fuzz specs: bytes flipped, cut, repeated or replaced by
 * JSON punctuation and extreme numbers, a few edits at a time. Deterministic for a given seed.
 */
object Mutations {
    private val tokens = listOf(
        "{", "}", "[", "]", ":", ",", "\"", "\\", "null", "true", "-1", "0", "-9223372036854775808", "9223372036854775807",
        "1e308", "2147483648", "\"\"", "[]", "{}", "\\u0000", "\"redacted\":true", "[[[[[[[[[[", "\uD800",
    )

    fun mutate(seed: String, random: Random): String {
        val sb = StringBuilder(seed)
        repeat(1 + random.nextInt(4)) {
            if (sb.isEmpty()) sb.append(tokens.random(random))
            val at = random.nextInt(sb.length + 1)
            when (random.nextInt(6)) {
                0 -> if (at < sb.length) sb.setCharAt(at, (sb[at].code xor (1 shl random.nextInt(7))).toChar())
                1 -> sb.delete(at, minOf(sb.length, at + 1 + random.nextInt(16)))
                2 -> sb.insert(at, tokens.random(random))
                3 -> sb.setLength(at) // cut
                4 -> { val end = minOf(sb.length, at + random.nextInt(32)); sb.insert(at, sb.substring(at, end)) }
                else -> sb.replace(at, minOf(sb.length, at + random.nextInt(8)), tokens.random(random))
            }
        }
        return sb.toString()
    }

    /** Mutations of [seeds] (a tenth of them unchanged, so valid inputs are checked too). */
    fun of(vararg seeds: String): Arb<String> = arbitrary { rs ->
        val seed = seeds[rs.random.nextInt(seeds.size)]
        if (rs.random.nextInt(10) == 0) seed else mutate(seed, rs.random)
    }
}
