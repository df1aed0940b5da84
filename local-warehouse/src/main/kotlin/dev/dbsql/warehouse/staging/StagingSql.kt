package dev.dbsql.warehouse.staging

import dev.dbsql.warehouse.engine.SqlFailures
import dev.dbsql.warehouse.engine.SqlLexer
import dev.dbsql.warehouse.engine.Token
import dev.dbsql.warehouse.engine.TokenKind

/** A staging statement, as parsed from the SQL text. */
internal sealed class StagingCommand {
    /** `PUT '<local>' INTO '<volume path>' [OVERWRITE]`. */
    data class Put(val local: String, val volumePath: String, val overwrite: Boolean) : StagingCommand()

    /** `GET '<volume path>' TO '<local>'`. */
    data class Get(val volumePath: String, val local: String) : StagingCommand()

    /** `REMOVE '<volume path>'`. */
    data class Remove(val volumePath: String) : StagingCommand()

    /** `LIST '<volume path>'`: an ordinary query, one row per entry. */
    data class List(val volumePath: String) : StagingCommand()

    /** PUT, GET and REMOVE answer with a presigned URL (`is_volume_operation`); LIST with rows. */
    val isTransfer: Boolean get() = this !is List
}

/** Recognises staging statements; everything else is left to the SQL engine. */
internal object StagingSql {
    private val KEYWORDS = setOf("PUT", "GET", "REMOVE", "LIST")

    /** The staging command [sql] is, or null for any other statement. Malformed staging SQL is a parse error. */
    fun parse(sql: String): StagingCommand? {
        val first = firstWord(sql) ?: return null
        if (first !in KEYWORDS) return null
        val sig = SqlLexer.tokenize(sql).filter { !it.isTrivia }.let { s -> if (s.lastOrNull()?.isSymbol(";") == true) s.dropLast(1) else s }
        fun str(i: Int): String = sig.getOrNull(i)?.takeIf { it.kind == TokenKind.STRING }?.value
            ?: throw SqlFailures.parse("Syntax error in $first: expected a quoted path at position ${i + 1}.")
        fun word(i: Int, w: String) = sig.getOrNull(i)?.isWord(w) == true
        fun end(n: Int) { if (sig.size != n) throw syntax(first, sig.getOrNull(n)) }
        return when (first) {
            "PUT" -> {
                val local = str(1)
                if (!word(2, "INTO")) throw syntax(first, sig.getOrNull(2))
                val volume = str(3)
                val overwrite = word(4, "OVERWRITE")
                end(if (overwrite) 5 else 4)
                StagingCommand.Put(local, volume, overwrite)
            }
            "GET" -> {
                val volume = str(1)
                if (!word(2, "TO")) throw syntax(first, sig.getOrNull(2))
                val local = str(3)
                end(4)
                StagingCommand.Get(volume, local)
            }
            "REMOVE" -> { val v = str(1); end(2); StagingCommand.Remove(v) }
            else -> { val v = str(1); end(2); StagingCommand.List(v) }
        }
    }

    /** True for PUT / GET / REMOVE statements (whose manifest says `is_volume_operation`); never throws. */
    fun isTransfer(sql: String): Boolean = runCatching { parse(sql)?.isTransfer == true }.getOrDefault(false)

    private fun firstWord(sql: String): String? =
        runCatching { SqlLexer.tokenize(sql).firstOrNull { !it.isTrivia } }.getOrNull()
            ?.takeIf { it.kind == TokenKind.WORD }?.text?.uppercase()

    private fun syntax(command: String, at: Token?) =
        SqlFailures.parse("Syntax error in $command at or near ${at?.text?.let { "'$it'" } ?: "end of input"}.")

    /** A Spark SQL string literal of [value] (backslash escapes, as the engine's lexer reads them). */
    fun literal(value: String): String = "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
}
