package dev.dbsql.warehouse.engine

/**
 * Reads a Databricks type (`STRING`, `DECIMAL(10,2)`, `ARRAY<STRUCT<a: INT>>`, `TIMESTAMP_NTZ`,
 * `INTERVAL DAY TO SECOND`, ...) from SQL tokens and writes the DuckDB type that holds the same values.
 */
internal class DbxTypeSyntax(private val tokens: List<Token>, start: Int, private val strict: Boolean) {
    /** Index just past the type once [read] returned. */
    var pos: Int = start
        private set

    /** The DuckDB type text, or null when the tokens do not start a type this reader knows (strict mode). */
    fun read(): String? {
        val t = next() ?: return null
        if (!t.isIdentifier) return null
        val word = t.value.uppercase()
        return when (word) {
            "STRING", "TEXT" -> "VARCHAR"
            "VARCHAR", "CHAR", "CHARACTER" -> { skipArgs(); "VARCHAR" }
            "BINARY", "BLOB" -> "BLOB"
            "BOOLEAN", "BOOL" -> "BOOLEAN"
            "TINYINT", "BYTE" -> "TINYINT"
            "SMALLINT", "SHORT" -> "SMALLINT"
            "INT", "INTEGER" -> "INTEGER"
            "BIGINT", "LONG" -> "BIGINT"
            "FLOAT", "REAL" -> "FLOAT"
            "DOUBLE" -> { if (peekWord("PRECISION")) next(); "DOUBLE" }
            "DECIMAL", "DEC", "NUMERIC" -> {
                val args = readIntArgs()
                when (args.size) {
                    0 -> "DECIMAL(10,0)"
                    1 -> "DECIMAL(${args[0]},0)"
                    else -> "DECIMAL(${args[0]},${args[1]})"
                }
            }
            "DATE" -> "DATE"
            "TIMESTAMP", "TIMESTAMP_LTZ" -> "TIMESTAMPTZ"
            "TIMESTAMP_NTZ" -> "TIMESTAMP"
            "VOID" -> "\"NULL\""
            "INTERVAL" -> { skipIntervalQualifier(); "INTERVAL" }
            "VARIANT" -> "VARCHAR"
            "ARRAY" -> generic(1)?.let { "${it[0]}[]" } ?: if (strict) null else "ARRAY"
            "MAP" -> generic(2)?.let { "MAP(${it[0]}, ${it[1]})" } ?: if (strict) null else "MAP"
            "STRUCT" -> structType() ?: if (strict) null else "STRUCT"
            else -> if (strict) null else { val start = pos; skipArgs(); t.text + textSince(start) }
        }
    }

    private fun next(): Token? {
        while (pos < tokens.size && tokens[pos].isTrivia) pos++
        return if (pos < tokens.size) tokens[pos++] else null
    }

    private fun peek(): Token? {
        var p = pos
        while (p < tokens.size && tokens[p].isTrivia) p++
        return tokens.getOrNull(p)
    }

    private fun peekWord(w: String) = peek()?.isWord(w) == true
    private fun peekSymbol(s: String) = peek()?.isSymbol(s) == true

    private fun expectSymbol(s: String) {
        val t = next()
        if (t == null || !t.isSymbol(s)) throw SqlFailures.parse("Syntax error in type: expected '$s'.")
    }

    private fun textSince(start: Int) = tokens.subList(start, pos).joinToString("") { it.text }

    private fun skipArgs() {
        if (!peekSymbol("(")) return
        var depth = 0
        while (true) {
            val t = next() ?: throw SqlFailures.parse("Syntax error in type: unclosed '('.")
            if (t.isSymbol("(")) depth++ else if (t.isSymbol(")")) { depth--; if (depth == 0) return }
        }
    }

    private fun readIntArgs(): List<Int> {
        if (!peekSymbol("(")) return emptyList()
        next()
        val out = ArrayList<Int>()
        while (true) {
            val t = next() ?: throw SqlFailures.parse("Syntax error in type: unclosed '('.")
            when {
                t.kind == TokenKind.NUMBER -> out += t.text.toIntOrNull() ?: throw SqlFailures.parse("Bad type argument ${t.text}.")
                t.isSymbol(",") -> {}
                t.isSymbol(")") -> return out
                else -> throw SqlFailures.parse("Syntax error in type near '${t.text}'.")
            }
        }
    }

    private fun skipIntervalQualifier() {
        val units = setOf("YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND", "TO")
        while (peek()?.let { it.kind == TokenKind.WORD && it.text.uppercase() in units } == true) next()
    }

    private fun generic(n: Int): List<String>? {
        if (!peekSymbol("<")) return null
        next()
        val out = ArrayList<String>()
        while (true) {
            out += read() ?: throw SqlFailures.parse("Syntax error in type: unknown element type.")
            if (out.size < n) expectSymbol(",") else break
        }
        expectSymbol(">")
        return out
    }

    private fun structType(): String? {
        if (!peekSymbol("<")) return null
        next()
        val fields = ArrayList<String>()
        if (peekSymbol(">")) { next(); return "STRUCT()" }
        while (true) {
            val nameTok = next()
            if (nameTok == null || !nameTok.isIdentifier) throw SqlFailures.parse("Syntax error in STRUCT type: field name expected.")
            if (peekSymbol(":")) next()
            val type = read() ?: throw SqlFailures.parse("Syntax error in STRUCT type: unknown type of field ${nameTok.value}.")
            if (peekWord("NOT")) { next(); next() }
            if (peekWord("COMMENT")) { next(); next() }
            fields += DuckSql.ident(nameTok.value) + " " + type
            val t = next()
            when {
                t == null -> throw SqlFailures.parse("Syntax error in STRUCT type: unclosed '<'.")
                t.isSymbol(",") -> continue
                t.isSymbol(">") -> break
                else -> throw SqlFailures.parse("Syntax error in STRUCT type near '${t.text}'.")
            }
        }
        return "STRUCT(" + fields.joinToString(", ") + ")"
    }

    companion object {
        /** DuckDB type for a parameter type string; null when it is not a scalar Databricks type. */
        fun forParameter(type: String): String? {
            val tokens = try { SqlLexer.tokenize(type) } catch (e: SqlFailure) { return null }
            val first = tokens.firstOrNull { !it.isTrivia }
            if (first == null || listOf("ARRAY", "MAP", "STRUCT").any { first.isWord(it) }) return null
            val r = DbxTypeSyntax(tokens, 0, strict = true)
            val out = try { r.read() } catch (e: SqlFailure) { return null }
            return if (out != null && tokens.drop(r.pos).all { it.isTrivia }) out else null
        }
    }
}
