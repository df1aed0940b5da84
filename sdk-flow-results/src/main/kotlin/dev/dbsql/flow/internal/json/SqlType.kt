package dev.dbsql.flow.internal.json

/**
 * A Databricks SQL type as written in `type_text` (`DECIMAL(10,2)`, `ARRAY<STRUCT<a: INT>>`,
 * `INTERVAL DAY TO SECOND`, …), with type names folded to the `type_name` vocabulary
 * (BIGINT → LONG, INTEGER → INT, VARCHAR(n) → STRING, …).
 */
internal sealed class SqlType {
    data class Scalar(val name: String) : SqlType()
    data class Decimal(val precision: Int, val scale: Int) : SqlType()
    data class Interval(val from: IntervalUnit, val to: IntervalUnit) : SqlType() {
        val yearMonth: Boolean get() = from <= IntervalUnit.MONTH
    }
    data class ArrayOf(val element: SqlType) : SqlType()
    data class MapOf(val key: SqlType, val value: SqlType) : SqlType()
    data class StructOf(val fields: List<Pair<String, SqlType>>) : SqlType()

    companion object {
        /** Parses [text]; throws [IllegalArgumentException] when it is not a type. */
        fun parse(text: String): SqlType = TypeTextParser(text).parseAll()

        /** Folds a type name (from `type_name` or `type_text`) to the `type_name` vocabulary. */
        fun canonicalName(name: String): String = when (val upper = name.uppercase()) {
            "BIGINT", "LONG" -> "LONG"
            "INT", "INTEGER" -> "INT"
            "SMALLINT", "SHORT" -> "SHORT"
            "TINYINT", "BYTE" -> "BYTE"
            "REAL", "FLOAT" -> "FLOAT"
            "DOUBLE" -> "DOUBLE"
            "STRING", "VARCHAR", "CHAR" -> "STRING"
            "BOOLEAN", "BOOL" -> "BOOLEAN"
            "TIMESTAMP", "TIMESTAMP_LTZ" -> "TIMESTAMP"
            "VOID", "NULL" -> "NULL"
            "DEC", "NUMERIC", "DECIMAL" -> "DECIMAL"
            else -> upper
        }
    }
}

internal enum class IntervalUnit { YEAR, MONTH, DAY, HOUR, MINUTE, SECOND }

private class TypeTextParser(private val text: String) {
    private var pos = 0

    fun parseAll(): SqlType {
        val type = parseType()
        skipSpace()
        require(pos == text.length) { "unexpected '${text.substring(pos)}' in type '$text'" }
        return type
    }

    private fun parseType(): SqlType {
        val name = SqlType.canonicalName(word())
        return when (name) {
            "ARRAY" -> {
                expect('<'); val element = parseType(); expect('>')
                SqlType.ArrayOf(element)
            }
            "MAP" -> {
                expect('<'); val key = parseType(); expect(','); val value = parseType(); expect('>')
                SqlType.MapOf(key, value)
            }
            "STRUCT" -> parseStruct()
            "INTERVAL" -> parseInterval()
            "DECIMAL" -> {
                val args = arguments()
                SqlType.Decimal(args.getOrElse(0) { 10 }, args.getOrElse(1) { 0 })
            }
            else -> {
                arguments() // VARCHAR(10), CHAR(3): lengths do not change the value type
                SqlType.Scalar(name)
            }
        }
    }

    private fun parseStruct(): SqlType {
        expect('<')
        val fields = mutableListOf<Pair<String, SqlType>>()
        if (!peek('>')) {
            do {
                val name = identifier()
                skipSpace()
                if (peek(':')) pos++
                val type = parseType()
                fieldModifiers()
                fields += name to type
            } while (tryConsume(','))
        }
        expect('>')
        return SqlType.StructOf(fields)
    }

    /** Skips `NOT NULL` and `COMMENT '…'` after a struct field's type. */
    private fun fieldModifiers() {
        while (true) {
            skipSpace()
            val save = pos
            when (if (pos < text.length && text[pos].isLetter()) word().uppercase() else "") {
                "NOT" -> require(word().uppercase() == "NULL") { "expected NOT NULL in '$text'" }
                "COMMENT" -> quoted()
                else -> { pos = save; return }
            }
        }
    }

    private fun parseInterval(): SqlType {
        val from = IntervalUnit.valueOf(word().uppercase().removeSuffix("S"))
        skipSpace()
        val save = pos
        if (pos < text.length && text[pos].isLetter() && word().uppercase() == "TO") {
            return SqlType.Interval(from, IntervalUnit.valueOf(word().uppercase().removeSuffix("S")))
        }
        pos = save
        return SqlType.Interval(from, from)
    }

    private fun arguments(): List<Int> {
        if (!peek('(')) return emptyList()
        pos++
        val args = mutableListOf<Int>()
        do {
            skipSpace()
            val start = pos
            while (pos < text.length && text[pos].isDigit()) pos++
            require(pos > start) { "expected a number in type '$text'" }
            args += text.substring(start, pos).toInt()
        } while (tryConsume(','))
        expect(')')
        return args
    }

    private fun identifier(): String {
        skipSpace()
        if (peek('`')) {
            pos++
            val sb = StringBuilder()
            while (true) {
                require(pos < text.length) { "unterminated `name` in type '$text'" }
                val c = text[pos++]
                if (c == '`') {
                    if (pos < text.length && text[pos] == '`') { sb.append('`'); pos++ } else break
                } else {
                    sb.append(c)
                }
            }
            return sb.toString()
        }
        return word()
    }

    private fun word(): String {
        skipSpace()
        val start = pos
        while (pos < text.length && (text[pos].isLetterOrDigit() || text[pos] == '_')) pos++
        require(pos > start) { "expected a name at position $start of type '$text'" }
        return text.substring(start, pos)
    }

    private fun quoted() {
        skipSpace()
        val quote = text[pos]
        require(quote == '\'' || quote == '"') { "expected a quoted comment in type '$text'" }
        pos++
        while (pos < text.length && text[pos] != quote) pos += if (text[pos] == '\\') 2 else 1
        expect(quote)
    }

    private fun skipSpace() {
        while (pos < text.length && text[pos].isWhitespace()) pos++
    }

    private fun peek(c: Char): Boolean {
        skipSpace()
        return pos < text.length && text[pos] == c
    }

    private fun tryConsume(c: Char): Boolean = peek(c).also { if (it) pos++ }

    private fun expect(c: Char) {
        require(tryConsume(c)) { "expected '$c' at position $pos of type '$text'" }
    }
}
