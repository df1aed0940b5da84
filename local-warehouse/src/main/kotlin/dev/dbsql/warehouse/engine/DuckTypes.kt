package dev.dbsql.warehouse.engine

/** A DuckDB logical type, parsed from the text DuckDB prints for it (`STRUCT(a INTEGER)[]`, ...). */
internal sealed class DuckType {
    /** A scalar type; [name] upper case (`DECIMAL`, `TIMESTAMP WITH TIME ZONE`, ...), [args] e.g. precision and scale. */
    data class Scalar(val name: String, val args: List<Int> = emptyList()) : DuckType()
    data class ListOf(val element: DuckType, val fixedSize: Int? = null) : DuckType()
    data class StructOf(val fields: List<Pair<String, DuckType>>) : DuckType()
    data class MapOf(val key: DuckType, val value: DuckType) : DuckType()

    /** DuckDB type text for this type (used in `CAST(x AS ...)`). */
    fun sql(): String = when (this) {
        is Scalar -> if (args.isEmpty()) name else "$name(${args.joinToString(",")})"
        is ListOf -> element.sql() + "[" + (fixedSize?.toString() ?: "") + "]"
        is StructOf -> "STRUCT(" + fields.joinToString(", ") { DuckSql.ident(it.first) + " " + it.second.sql() } + ")"
        is MapOf -> "MAP(" + key.sql() + ", " + value.sql() + ")"
    }

    companion object {
        val VARCHAR = Scalar("VARCHAR")

        fun parse(text: String): DuckType = DuckTypeParser(text).parseAll()
    }
}

/** Databricks view of a column type: `type_name`, `type_text` and their details. */
internal data class DbxType(
    val typeName: String,
    val typeText: String,
    val precision: Int? = null,
    val scale: Int? = null,
    val intervalType: String? = null,
)

/**
 * The mapping DuckDB → Databricks. [normalize] gives the DuckDB type whose Arrow export already has
 * the Databricks Arrow layout (DuckDB casts to it inside the query); [dbx] names it in Databricks terms.
 */
internal object TypeMapping {
    private val TEXT_TYPES = setOf(
        "UUID", "TIME", "TIME WITH TIME ZONE", "TIME_NS", "BIT", "JSON", "VARINT", "BIGNUM", "ENUM", "UNION",
    )

    fun normalize(t: DuckType, topLevel: Boolean = true): DuckType = when (t) {
        is DuckType.ListOf -> DuckType.ListOf(normalize(t.element, false))
        is DuckType.StructOf -> DuckType.StructOf(t.fields.map { it.first to normalize(it.second, false) })
        is DuckType.MapOf -> DuckType.MapOf(normalize(t.key, false), normalize(t.value, false))
        is DuckType.Scalar -> when (t.name) {
            "BOOLEAN", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "FLOAT", "DOUBLE", "DECIMAL", "VARCHAR",
            "BLOB", "DATE", "TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "\"NULL\"", "NULL" -> t
            "INTERVAL" -> if (topLevel) t else DuckType.VARCHAR
            "UTINYINT" -> DuckType.Scalar("SMALLINT")
            "USMALLINT" -> DuckType.Scalar("INTEGER")
            "UINTEGER" -> DuckType.Scalar("BIGINT")
            "UBIGINT" -> DuckType.Scalar("DECIMAL", listOf(20, 0))
            "HUGEINT", "UHUGEINT" -> DuckType.Scalar("DECIMAL", listOf(38, 0))
            "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS" -> DuckType.Scalar("TIMESTAMP")
            else -> DuckType.VARCHAR
        }
    }

    /** Databricks type of a normalized DuckDB type. */
    fun dbx(t: DuckType): DbxType = when (t) {
        is DuckType.ListOf -> DbxType("ARRAY", "ARRAY<${dbx(t.element).typeText}>")
        is DuckType.StructOf -> DbxType("STRUCT", "STRUCT<" + t.fields.joinToString(", ") { "${it.first}: ${dbx(it.second).typeText}" } + ">")
        is DuckType.MapOf -> DbxType("MAP", "MAP<${dbx(t.key).typeText}, ${dbx(t.value).typeText}>")
        is DuckType.Scalar -> when (t.name) {
            "BOOLEAN" -> DbxType("BOOLEAN", "BOOLEAN")
            "TINYINT" -> DbxType("BYTE", "TINYINT")
            "SMALLINT" -> DbxType("SHORT", "SMALLINT")
            "INTEGER" -> DbxType("INT", "INT")
            "BIGINT" -> DbxType("LONG", "BIGINT")
            "FLOAT" -> DbxType("FLOAT", "FLOAT")
            "DOUBLE" -> DbxType("DOUBLE", "DOUBLE")
            "DECIMAL" -> {
                val p = t.args.getOrElse(0) { 18 }
                val s = t.args.getOrElse(1) { 3 }
                DbxType("DECIMAL", "DECIMAL($p,$s)", p, s)
            }
            "BLOB" -> DbxType("BINARY", "BINARY")
            "DATE" -> DbxType("DATE", "DATE")
            "TIMESTAMP" -> DbxType("TIMESTAMP_NTZ", "TIMESTAMP_NTZ")
            "TIMESTAMP WITH TIME ZONE" -> DbxType("TIMESTAMP", "TIMESTAMP")
            "INTERVAL" -> DbxType("INTERVAL", "INTERVAL DAY TO SECOND", intervalType = "DAY TO SECOND")
            "\"NULL\"", "NULL" -> DbxType("NULL", "VOID")
            else -> DbxType("STRING", "STRING")
        }
    }

    val YEAR_MONTH: DbxType = DbxType("INTERVAL", "INTERVAL YEAR TO MONTH", intervalType = "YEAR TO MONTH")

    /** Databricks type text of any DuckDB type text (for `SHOW COLUMNS`); unparsable types read as STRING. */
    fun dbxOfDuckText(text: String): DbxType =
        runCatching { dbx(normalize(DuckType.parse(text))) }.getOrElse { DbxType("STRING", "STRING") }

    fun isTextType(name: String): Boolean = name in TEXT_TYPES
}

private class DuckTypeParser(private val s: String) {
    private var i = 0

    fun parseAll(): DuckType {
        val t = parseType()
        skipWs()
        require(i == s.length) { "unexpected '${s.substring(i)}' in type $s" }
        return t
    }

    private fun skipWs() { while (i < s.length && s[i].isWhitespace()) i++ }

    private fun peek(): Char? { skipWs(); return if (i < s.length) s[i] else null }

    private fun expect(c: Char) { require(peek() == c) { "expected '$c' in type $s" }; i++ }

    private fun name(): String {
        skipWs()
        if (i < s.length && s[i] == '"') {
            val sb = StringBuilder(); i++
            while (i < s.length) {
                if (s[i] == '"') { if (i + 1 < s.length && s[i + 1] == '"') { sb.append('"'); i += 2 } else { i++; break } }
                else sb.append(s[i++])
            }
            return sb.toString()
        }
        val start = i
        while (i < s.length && (s[i].isLetterOrDigit() || s[i] == '_')) i++
        require(i > start) { "expected a name in type $s at $i" }
        return s.substring(start, i)
    }

    private fun number(): Int {
        skipWs(); val start = i
        while (i < s.length && s[i].isDigit()) i++
        return s.substring(start, i).toInt()
    }

    private fun parseType(): DuckType {
        skipWs()
        val quotedNull = s.startsWith("\"NULL\"", i)
        var t: DuckType = if (quotedNull) { i += 6; DuckType.Scalar("NULL") } else {
            val first = name().uppercase()
            when (first) {
                "STRUCT" -> {
                    expect('('); val fields = ArrayList<Pair<String, DuckType>>()
                    while (true) { val n = name(); fields += n to parseType(); if (peek() == ',') i++ else break }
                    expect(')'); DuckType.StructOf(fields)
                }
                "MAP" -> { expect('('); val k = parseType(); expect(','); val v = parseType(); expect(')'); DuckType.MapOf(k, v) }
                "UNION", "ENUM" -> { skipBalanced(); DuckType.Scalar(first) }
                "DECIMAL", "NUMERIC" -> if (peek() == '(') {
                    i++; val p = number(); expect(','); val sc = number(); expect(')'); DuckType.Scalar("DECIMAL", listOf(p, sc))
                } else DuckType.Scalar("DECIMAL", listOf(18, 3))
                "TIMESTAMP", "TIME" -> {
                    val save = i
                    skipWs()
                    if (s.regionMatches(i, "WITH TIME ZONE", 0, 14, ignoreCase = true)) { i += 14; DuckType.Scalar("$first WITH TIME ZONE") }
                    else { i = save; DuckType.Scalar(first) }
                }
                else -> { if (peek() == '(') skipBalanced(); DuckType.Scalar(first) }
            }
        }
        while (peek() == '[') {
            i++; skipWs()
            val size = if (i < s.length && s[i].isDigit()) number() else null
            expect(']')
            t = DuckType.ListOf(t, size)
        }
        return t
    }

    private fun skipBalanced() {
        expect('(')
        var depth = 1
        while (i < s.length && depth > 0) {
            when (s[i]) {
                '(' -> depth++
                ')' -> depth--
                '\'' -> { i++; while (i < s.length && s[i] != '\'') i++ }
                '"' -> { i++; while (i < s.length && s[i] != '"') i++ }
            }
            i++
        }
    }
}
