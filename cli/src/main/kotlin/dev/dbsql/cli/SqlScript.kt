package dev.dbsql.cli

/**
 * Splits SQL text into statements at `;` outside string literals ('…', "…" with backslash and
 * doubled-quote escapes), quoted identifiers (`…`), `--` line comments and block comments.
 * Statements that are empty or only comments are dropped; each is returned trimmed, without its `;`.
 */
object SqlScript {
    fun split(text: String): List<String> {
        val statements = mutableListOf<String>()
        val current = StringBuilder()
        var hasCode = false
        var i = 0
        fun flush() {
            if (hasCode) statements += current.toString().trim()
            current.setLength(0)
            hasCode = false
        }
        while (i < text.length) {
            val c = text[i]
            when {
                c == '-' && text.startsWith("--", i) -> {
                    val end = text.indexOf('\n', i).let { if (it < 0) text.length else it }
                    current.append(text, i, end)
                    i = end
                }
                c == '/' && text.startsWith("/*", i) -> {
                    val end = text.indexOf("*/", i + 2).let { if (it < 0) text.length else it + 2 }
                    current.append(text, i, end)
                    i = end
                }
                c == '\'' || c == '"' || c == '`' -> {
                    val end = quotedEnd(text, i, c)
                    current.append(text, i, end)
                    hasCode = true
                    i = end
                }
                c == ';' -> {
                    flush()
                    i++
                }
                else -> {
                    if (!c.isWhitespace()) hasCode = true
                    current.append(c)
                    i++
                }
            }
        }
        flush()
        return statements
    }

    /**
     * Whether [text] is ready to run: its last code outside literals and comments is a `;`, and no
     * string, quoted name or block comment is left open. Text with no code at all counts as complete.
     */
    fun isComplete(text: String): Boolean {
        var pending = false
        var i = 0
        while (i < text.length) {
            val c = text[i]
            when {
                c == '-' && text.startsWith("--", i) -> i = text.indexOf('\n', i).let { if (it < 0) text.length else it }
                c == '/' && text.startsWith("/*", i) -> {
                    val end = text.indexOf("*/", i + 2)
                    if (end < 0) return false
                    i = end + 2
                }
                c == '\'' || c == '"' || c == '`' -> {
                    i = closedQuoteEnd(text, i, c) ?: return false
                    pending = true
                }
                c == ';' -> {
                    pending = false
                    i++
                }
                else -> {
                    if (!c.isWhitespace()) pending = true
                    i++
                }
            }
        }
        return !pending
    }

    /** The index after the literal starting at [start] with [quote] (the text's end when unclosed). */
    private fun quotedEnd(text: String, start: Int, quote: Char): Int = closedQuoteEnd(text, start, quote) ?: text.length

    /** The index after the literal starting at [start] with [quote], or null when it is not closed. */
    private fun closedQuoteEnd(text: String, start: Int, quote: Char): Int? {
        var i = start + 1
        while (i < text.length) {
            val c = text[i]
            if (c == '\\' && quote != '`') {
                i += 2
                continue
            }
            if (c == quote) {
                if (i + 1 < text.length && text[i + 1] == quote) {
                    i += 2
                    continue
                }
                return i + 1
            }
            i++
        }
        return null
    }

    /** Whether [statement] mentions the named parameter `:name` outside literals and comments (a cheap check). */
    fun mentions(statement: String, name: String): Boolean =
        Regex("(?<![:\\w]):" + Regex.escape(name) + "(?!\\w)").containsMatchIn(stripLiterals(statement))

    private fun stripLiterals(text: String): String {
        val out = StringBuilder()
        var i = 0
        while (i < text.length) {
            val c = text[i]
            when {
                c == '-' && text.startsWith("--", i) -> i = text.indexOf('\n', i).let { if (it < 0) text.length else it }
                c == '/' && text.startsWith("/*", i) -> i = text.indexOf("*/", i + 2).let { if (it < 0) text.length else it + 2 }
                c == '\'' || c == '"' || c == '`' -> { i = quotedEnd(text, i, c); out.append(' ') }
                else -> { out.append(c); i++ }
            }
        }
        return out.toString()
    }
}
