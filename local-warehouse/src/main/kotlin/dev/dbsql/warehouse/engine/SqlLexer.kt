package dev.dbsql.warehouse.engine

/** Kinds of tokens the Databricks-to-DuckDB rewrite distinguishes. */
internal enum class TokenKind {
    /** Unquoted identifier or keyword. */
    WORD,
    /** Backtick-quoted identifier; [Token.value] holds the unquoted name. */
    QUOTED_IDENT,
    /** Single- or double-quoted string literal; [Token.value] holds the unescaped text. */
    STRING,
    NUMBER,
    /** `:name` parameter marker; [Token.value] holds the name. */
    NAMED_PARAM,
    /** `?` parameter marker. */
    POSITIONAL_PARAM,
    /** Operators and punctuation, including `::`. */
    SYMBOL,
    WHITESPACE,
    COMMENT,
}

internal data class Token(val kind: TokenKind, val text: String, val value: String = text) {
    val isTrivia: Boolean get() = kind == TokenKind.WHITESPACE || kind == TokenKind.COMMENT
    fun isWord(word: String): Boolean = kind == TokenKind.WORD && text.equals(word, ignoreCase = true)
    fun isSymbol(symbol: String): Boolean = kind == TokenKind.SYMBOL && text == symbol
    /** Identifier name as Databricks resolves it (quoted: exact, unquoted: as written). */
    val isIdentifier: Boolean get() = kind == TokenKind.WORD || kind == TokenKind.QUOTED_IDENT
}

/**
 * Splits Databricks SQL into tokens. String literals follow Spark rules: single or double quotes,
 * backslash escapes, and `r'...'` raw strings; backticks quote identifiers.
 */
internal object SqlLexer {
    fun tokenize(sql: String): List<Token> {
        val out = ArrayList<Token>()
        var i = 0
        val n = sql.length
        while (i < n) {
            val c = sql[i]
            val start = i
            when {
                c.isWhitespace() -> {
                    while (i < n && sql[i].isWhitespace()) i++
                    out += Token(TokenKind.WHITESPACE, sql.substring(start, i))
                }
                c == '-' && i + 1 < n && sql[i + 1] == '-' -> {
                    while (i < n && sql[i] != '\n') i++
                    out += Token(TokenKind.COMMENT, sql.substring(start, i))
                }
                c == '/' && i + 1 < n && sql[i + 1] == '*' -> {
                    var depth = 0
                    while (i < n) {
                        if (sql.startsWith("/*", i)) { depth++; i += 2 }
                        else if (sql.startsWith("*/", i)) { depth--; i += 2; if (depth == 0) break }
                        else i++
                    }
                    if (depth != 0) throw syntax("unclosed comment")
                    out += Token(TokenKind.COMMENT, sql.substring(start, i))
                }
                (c == 'r' || c == 'R') && i + 1 < n && (sql[i + 1] == '\'' || sql[i + 1] == '"') -> {
                    val q = sql[i + 1]
                    val end = sql.indexOf(q, i + 2)
                    if (end < 0) throw syntax("unclosed string literal")
                    i = end + 1
                    out += Token(TokenKind.STRING, sql.substring(start, i), sql.substring(start + 2, end))
                }
                c == '\'' || c == '"' -> {
                    val sb = StringBuilder()
                    i++
                    var closed = false
                    while (i < n) {
                        val d = sql[i]
                        if (d == '\\' && i + 1 < n) {
                            sb.append(unescape(sql[i + 1])); i += 2
                        } else if (d == c) {
                            if (i + 1 < n && sql[i + 1] == c) { sb.append(c); i += 2 } else { i++; closed = true; break }
                        } else { sb.append(d); i++ }
                    }
                    if (!closed) throw syntax("unclosed string literal")
                    out += Token(TokenKind.STRING, sql.substring(start, i), sb.toString())
                }
                c == '`' -> {
                    val sb = StringBuilder()
                    i++
                    var closed = false
                    while (i < n) {
                        if (sql[i] == '`') {
                            if (i + 1 < n && sql[i + 1] == '`') { sb.append('`'); i += 2 } else { i++; closed = true; break }
                        } else sb.append(sql[i++])
                    }
                    if (!closed) throw syntax("unclosed quoted identifier")
                    out += Token(TokenKind.QUOTED_IDENT, sql.substring(start, i), sb.toString())
                }
                c.isLetter() || c == '_' -> {
                    while (i < n && (sql[i].isLetterOrDigit() || sql[i] == '_' || sql[i] == '$')) i++
                    out += Token(TokenKind.WORD, sql.substring(start, i))
                }
                c.isDigit() || (c == '.' && i + 1 < n && sql[i + 1].isDigit()) -> {
                    while (i < n && (sql[i].isLetterOrDigit() || sql[i] == '.' ||
                            ((sql[i] == '+' || sql[i] == '-') && (sql[i - 1] == 'e' || sql[i - 1] == 'E')))) i++
                    out += Token(TokenKind.NUMBER, sql.substring(start, i))
                }
                c == ':' && i + 1 < n && sql[i + 1] == ':' -> { i += 2; out += Token(TokenKind.SYMBOL, "::") }
                c == ':' && i + 1 < n && (sql[i + 1].isLetter() || sql[i + 1] == '_') -> {
                    i++
                    while (i < n && (sql[i].isLetterOrDigit() || sql[i] == '_')) i++
                    out += Token(TokenKind.NAMED_PARAM, sql.substring(start, i), sql.substring(start + 1, i))
                }
                c == ':' && i + 1 < n && sql[i + 1] == '`' -> {
                    val end = sql.indexOf('`', i + 2)
                    if (end < 0) throw syntax("unclosed quoted parameter name")
                    i = end + 1
                    out += Token(TokenKind.NAMED_PARAM, sql.substring(start, i), sql.substring(start + 2, end))
                }
                c == '?' -> { i++; out += Token(TokenKind.POSITIONAL_PARAM, "?") }
                else -> {
                    val two = if (i + 1 < n) sql.substring(i, i + 2) else ""
                    val len = if (two in TWO_CHAR) 2 else 1
                    i += len
                    out += Token(TokenKind.SYMBOL, sql.substring(start, i))
                }
            }
        }
        return out
    }

    private val TWO_CHAR = setOf("<=", ">=", "<>", "!=", "||", "->", "=>", "==")

    private fun unescape(c: Char): String = when (c) {
        'n' -> "\n"; 't' -> "\t"; 'r' -> "\r"; 'b' -> "\b"; '0' -> "\u0000"; 'Z' -> "\u001A"
        '%' -> "\\%"; '_' -> "\\_"
        else -> c.toString()
    }

    private fun syntax(what: String) = SqlFailures.parse("Syntax error: $what.")
}

/** Emits DuckDB SQL text. */
internal object DuckSql {
    fun string(value: String): String = "'" + value.replace("'", "''") + "'"
    fun ident(name: String): String = "\"" + name.replace("\"", "\"\"") + "\""
}
