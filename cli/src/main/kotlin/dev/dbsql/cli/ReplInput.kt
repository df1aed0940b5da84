package dev.dbsql.cli

import org.jline.reader.CompletingParsedLine
import org.jline.reader.EOFError
import org.jline.reader.Parser

/** One input of the interactive mode: SQL to run, or a meta-command. Immutable. */
internal sealed interface ReplCommand {
    /** Nothing to do (an empty line, or only comments). */
    data object Empty : ReplCommand
    /** SQL: the [statements], in order, each without its `;`. */
    data class Sql(val statements: List<String>) : ReplCommand
    /** `\help`, `\?`, `help`. */
    data object Help : ReplCommand
    /** `\q`, `quit`, `exit`. */
    data object Quit : ReplCommand
    /** `\format` (show the current one, [format] null) or `\format FMT`. */
    data class Format(val format: OutputFormat?) : ReplCommand
    /** `\timing on|off`, or `\timing` alone to switch it ([on] null). */
    data class Timing(val on: Boolean?) : ReplCommand
    /** `\d TABLE` describes a table; `\d` alone lists the tables. */
    data class Describe(val table: String?) : ReplCommand
    /** A meta-command that cannot be run; [message] says why. */
    data class Invalid(val message: String) : ReplCommand
}

/** How the interactive mode reads what is typed: when an input is complete, and what it asks for. Stateless. */
internal object ReplInput {
    /** The meta-commands, for `\help`. */
    const val HELP: String = """Statements end with ';' (a ';' inside quotes or comments does not end one); several on a line
run in order. Statements run in one server-side session, so USE, SET and temporary views carry over.
  \help, \?                 this text
  \format [FMT]             show or set the output format: table, markdown, csv, jsonl (also: json)
  \timing [on|off]          print each statement's time (\timing alone switches it)
  \d [TABLE]                describe TABLE (DESCRIBE TABLE); without TABLE, list the tables (SHOW TABLES)
  \q, quit, exit            leave (so does Ctrl-D on an empty line)
Ctrl-C cancels the running statement on the server (or clears the line being typed)."""

    private val words = setOf("quit", "exit", "help")
    private val tableName = Regex("""^(`[^`]+`|[A-Za-z_][A-Za-z0-9_]*)(\.(`[^`]+`|[A-Za-z_][A-Za-z0-9_]*)){0,2}$""")

    /**
     * Whether [text] (possibly several lines) is ready to act on: a meta-command (`\…`, `quit`,
     * `exit`, `help`), blank text, or SQL whose last code is a `;` outside literals and comments.
     */
    fun isComplete(text: String): Boolean {
        val t = text.trim()
        return t.isEmpty() || t.startsWith("\\") || t.removeSuffix(";").trim().lowercase() in words || SqlScript.isComplete(text)
    }

    /** What [text] (complete, see [isComplete]) asks for. */
    fun parse(text: String): ReplCommand {
        val t = text.trim()
        if (t.removeSuffix(";").trim().lowercase() in words) return if (t.lowercase().startsWith("help")) ReplCommand.Help else ReplCommand.Quit
        if (!t.startsWith("\\")) {
            val statements = SqlScript.split(text)
            return if (statements.isEmpty()) ReplCommand.Empty else ReplCommand.Sql(statements)
        }
        val parts = t.removeSuffix(";").trim().split(Regex("\\s+"), limit = 2)
        val arg = parts.getOrNull(1)?.trim()?.ifEmpty { null }
        return when (parts[0]) {
            "\\q", "\\quit" -> ReplCommand.Quit
            "\\?", "\\h", "\\help" -> ReplCommand.Help
            "\\format", "\\f" -> format(arg)
            "\\timing" -> when (arg?.lowercase()) {
                null -> ReplCommand.Timing(null)
                "on" -> ReplCommand.Timing(true)
                "off" -> ReplCommand.Timing(false)
                else -> ReplCommand.Invalid("\\timing takes on or off (got '$arg')")
            }
            "\\d", "\\describe" -> when {
                arg == null -> ReplCommand.Describe(null)
                tableName.matches(arg) -> ReplCommand.Describe(arg)
                else -> ReplCommand.Invalid("\\d takes a table name such as t, schema.t or catalog.schema.t (got '$arg')")
            }
            else -> ReplCommand.Invalid("unknown command ${parts[0]}; \\help lists the commands")
        }
    }

    private fun format(arg: String?): ReplCommand {
        if (arg == null) return ReplCommand.Format(null)
        if (arg.equals("json", ignoreCase = true)) return ReplCommand.Format(OutputFormat.JSONL)
        val format = OutputFormat.entries.firstOrNull { it.name.equals(arg, ignoreCase = true) && it != OutputFormat.ARROW }
            ?: return ReplCommand.Invalid("\\format takes table, markdown, csv or jsonl (got '$arg'; arrow is binary, use --format arrow -o FILE)")
        return ReplCommand.Format(format)
    }
}

/**
 * JLine's view of the input: Enter on text that is not [ReplInput.isComplete] continues it on a
 * new line (the whole statement is edited, and kept in the history, as one entry).
 */
internal class ReplParser : Parser {
    override fun parse(line: String, cursor: Int, context: Parser.ParseContext): CompletingParsedLine {
        if (context == Parser.ParseContext.ACCEPT_LINE && !ReplInput.isComplete(line)) {
            throw EOFError(-1, -1, "the statement is not finished: end it with ';'", ";")
        }
        return WholeLine(line, cursor)
    }

    /** No word splitting: there is no completion. */
    private class WholeLine(private val text: String, private val at: Int) : CompletingParsedLine {
        override fun escape(candidate: CharSequence, complete: Boolean): CharSequence = candidate
        override fun rawWordCursor(): Int = 0
        override fun rawWordLength(): Int = 0
        override fun word(): String = ""
        override fun wordCursor(): Int = 0
        override fun wordIndex(): Int = 0
        override fun words(): List<String> = listOf(text)
        override fun line(): String = text
        override fun cursor(): Int = at
    }
}
