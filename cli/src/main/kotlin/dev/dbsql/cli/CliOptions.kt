package dev.dbsql.cli

import java.nio.file.Path
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds

/** What to print results as. */
enum class OutputFormat { TABLE, MARKDOWN, CSV, JSONL, ARROW }

/** Where the SQL text comes from. */
sealed interface SqlSource {
    data class Text(val sql: String) : SqlSource
    data class File(val path: Path) : SqlSource
    /** Standard input: `-`, or a pipe when no SQL is given. */
    data object Stdin : SqlSource
}

/** One `-p name[:TYPE]=value`. */
data class ParamArg(val name: String, val type: String?, val value: String)

/** The parsed command line. Exactly one action: run SQL, or act on a saved handle. */
data class CliOptions(
    val source: SqlSource? = null,
    val local: Boolean = false,
    val profile: String? = null,
    val host: String? = null,
    val warehouse: String? = null,
    val format: OutputFormat = OutputFormat.TABLE,
    val output: Path? = null,
    val submit: Boolean = false,
    val resume: Path? = null,
    val cancel: Path? = null,
    val maxRows: Long? = null,
    val timeout: Duration? = null,
    val progress: Boolean? = null,
    val params: List<ParamArg> = emptyList(),
    val timing: Boolean = false,
    val nullAs: String? = null,
    val noTruncate: Boolean = false,
    val debug: Boolean = false,
    val help: Boolean = false,
    val version: Boolean = false,
)

/** A command line the tool cannot act on; [message] says why. */
class UsageException(message: String) : Exception(message)

const val USAGE: String = """Usage: dbsql [options] "SQL"
       dbsql [options] -c SQL | -f FILE | -
       dbsql [options]                          (interactive, with a terminal on standard input)
       dbsql [options] --resume FILE | --cancel FILE

Runs SQL on a Databricks SQL warehouse and prints the result. The SQL comes from the argument,
-c SQL, -f FILE, or standard input (`-`, or a pipe when no SQL is given). Text with several
statements separated by ';' runs them in order in one session and prints each result.

Interactive mode: with no SQL and a terminal on standard input. Line editing and a history kept in
~/.dbsql_history (DBSQL_HISTORY=FILE for another file, DBSQL_HISTORY= for none; lines that start
with a space, hold a credential of the environment or a -p value, or name a SECRET, PASSWORD or
TOKEN are not kept). A statement ends with ';' outside quotes and comments and may span lines; all
run in one session. Meta-commands: \help, \format FMT, \timing on|off, \d [TABLE], \q. Ctrl-C
cancels the running statement on the server and returns to the prompt (at the prompt it clears the
line); Ctrl-D on an empty line leaves. -p, --format, --timing, --timeout, --max-rows apply to each
statement; --output, --submit and --format arrow need SQL.

Where it runs: the workspace of --host, --profile, the DATABRICKS_* variables or ~/.databrickscfg.
The embedded local warehouse (DuckDB) is used only with --local, or when no workspace is configured
at all (none of DATABRICKS_HOST, DATABRICKS_TOKEN, DATABRICKS_CLIENT_ID/SECRET, DATABRICKS_CONFIG_PROFILE,
DATABRICKS_CONFIG_FILE, DATABRICKS_WAREHOUSE_ID, and no ~/.databrickscfg). A configured workspace without
usable credentials is an authentication error (exit 3) that lists what was tried.

Options:
  -c SQL                the SQL to run
  -f, --file FILE       read the SQL from FILE
  --local               use the embedded local warehouse even when a workspace is configured
  --profile NAME        use this ~/.databrickscfg profile
  --host URL            workspace URL; credentials only from a source for that host: the environment
                        (DATABRICKS_HOST equal to URL, or unset) or a ~/.databrickscfg profile whose
                        host is URL. Credentials of another host are never sent to it.
  --warehouse ID        SQL warehouse ID (or an HTTP path /sql/1.0/warehouses/ID)
  -p, --param NAME=VALUE
                        a named parameter (:NAME in the SQL), a STRING; NAME:TYPE=VALUE sends it
                        as TYPE (e.g. -p n:INT=5, -p d:DATE=2024-01-31). Repeatable.
  --format FMT          table (default), markdown, csv, jsonl (one JSON object per row; also: json)
                        or arrow (IPC stream; one statement only)
  --no-truncate         table: print long text values in full (by default text longer than 48
                        characters is shortened, ending in '…', and the table footer says how many)
  --null-as STR         how NULL is printed in table, markdown and csv (default: NULL; empty in csv)
  -o, --output FILE     write the result to FILE: written to a temporary file in the same directory
                        and renamed to FILE on success; on failure or interrupt no file is left
  --max-rows N          stop after N rows (the server cuts the result: row_limit)
  --timeout DURATION    give up after DURATION (30s, 5m, 1h 30m, or seconds) and cancel the
                        statement on the server
  --timing              print each statement's time (run, fetch, total) on standard error
  --submit              submit the statement, print its handle (JSON) and exit at once (a
                        workspace only: the embedded warehouse ends with the process)
  --resume FILE         wait for the statement in the handle FILE and print its result
  --cancel FILE         cancel the statement in the handle FILE
  --progress / --no-progress
                        progress on standard error: elapsed time and statement ID while it runs,
                        then rows, MiB, rate and percentage while the result downloads, and a
                        summary line (default: whenever standard error is a terminal, even when
                        standard output is redirected; with the result on the same terminal only
                        the running phase and the summary are shown)
  --debug               trace HTTP calls on standard error (tokens, secrets and URL queries redacted)
  --help, --version

Exit codes: 0 success, 1 SQL error, 2 usage or configuration error, 3 authentication error,
            4 statement canceled, 5 other error (connection, server, result), 6 timed out (--timeout),
            130 interrupted (Ctrl-C, SIGINT), 141 standard output closed (e.g. `| head`),
            143 terminated (SIGTERM). On 6, 130, 141 and 143 the running statement is cancelled
            on the server before the process exits."""

/** Parses [args]; throws [UsageException] with a message naming the problem. */
fun parseArgs(args: Array<String>): CliOptions {
    var options = CliOptions()
    val positional = mutableListOf<String>()
    val sources = mutableListOf<SqlSource>()
    var i = 0
    fun value(name: String): String {
        if (i + 1 >= args.size) throw UsageException("$name needs a value")
        i += 1
        return args[i]
    }
    while (i < args.size) {
        val arg = args[i]
        val (name, inline) = if (arg.startsWith("--") && arg.contains('=')) arg.substringBefore('=') to arg.substringAfter('=') else arg to null
        fun v(): String = inline ?: value(name)
        options = when (name) {
            "--local" -> options.copy(local = true)
            "--profile" -> options.copy(profile = v())
            "--host" -> options.copy(host = v())
            "--warehouse" -> options.copy(warehouse = v())
            "--format" -> options.copy(format = parseFormat(v()))
            "--output", "-o" -> options.copy(output = Path.of(v().ifBlank { throw UsageException("--output needs a file name") }))
            "--max-rows" -> options.copy(maxRows = v().toLongOrNull()?.takeIf { it > 0 } ?: throw UsageException("--max-rows needs a positive number"))
            "--timeout" -> options.copy(timeout = parseTimeout(v()))
            "--submit" -> options.copy(submit = true)
            "--resume" -> options.copy(resume = Path.of(v()))
            "--cancel" -> options.copy(cancel = Path.of(v()))
            "--progress" -> options.copy(progress = true)
            "--no-progress" -> options.copy(progress = false)
            "--timing" -> options.copy(timing = true)
            "--no-truncate" -> options.copy(noTruncate = true)
            "--null-as" -> options.copy(nullAs = v())
            "--debug" -> options.copy(debug = true)
            "-p", "--param" -> options.copy(params = options.params + parseParam(v()))
            "-c" -> { sources += SqlSource.Text(v()); options }
            "-f", "--file" -> { sources += SqlSource.File(Path.of(v())); options }
            "--help", "-h" -> options.copy(help = true)
            "--version" -> options.copy(version = true)
            "--" -> { positional += args.drop(i + 1); i = args.size; options }
            "-" -> { sources += SqlSource.Stdin; options }
            else -> {
                if (arg.startsWith("-") && arg.length > 1) throw UsageException("unknown option $arg")
                positional += arg
                options
            }
        }
        i += 1
    }
    if (options.help || options.version) return options
    if (positional.size > 1) throw UsageException("give the SQL as one argument (quote it); got ${positional.size} arguments")
    positional.firstOrNull()?.let { sources += SqlSource.Text(it) }
    if (sources.size > 1) throw UsageException("give the SQL once: as an argument, -c, -f or - (got ${sources.size})")
    options = options.copy(source = sources.firstOrNull())
    val actions = listOfNotNull(options.source?.let { "SQL" }, options.resume?.let { "--resume" }, options.cancel?.let { "--cancel" })
    if (actions.size > 1) throw UsageException("give only one of: SQL, --resume, --cancel (got ${actions.joinToString()})")
    if (options.submit && (options.resume != null || options.cancel != null)) throw UsageException("--submit needs SQL, not --resume or --cancel")
    if (options.local && (options.host != null || options.profile != null)) throw UsageException("--local cannot be combined with --host or --profile")
    if (options.params.isNotEmpty() && (options.resume != null || options.cancel != null)) throw UsageException("-p applies to SQL, not to --resume or --cancel")
    return options
}

/** `NAME=VALUE` or `NAME:TYPE=VALUE`. */
internal fun parseParam(text: String): ParamArg {
    val eq = text.indexOf('=')
    if (eq <= 0) throw UsageException("-p needs NAME=VALUE or NAME:TYPE=VALUE (got '$text')")
    val key = text.substring(0, eq)
    val name = key.substringBefore(':')
    val type = if (key.contains(':')) key.substringAfter(':').trim() else null
    if (name.isEmpty() || !name.all { it.isLetterOrDigit() || it == '_' }) throw UsageException("-p: a parameter name is letters, digits and '_' (got '$name')")
    if (type != null && (type.isEmpty() || !type.all { it.isLetterOrDigit() || it in "_(), <>" })) throw UsageException("-p $name: '$type' is not a SQL type")
    return ParamArg(name, type?.uppercase(), text.substring(eq + 1))
}

/** `30s`, `5m`, `1h 30m`, ISO `PT30S`, or a number of seconds; must be positive. */
internal fun parseTimeout(text: String): Duration {
    val t = text.trim()
    val d = t.toLongOrNull()?.seconds ?: Duration.parseOrNull(t)
    if (d == null || !d.isPositive() || d.isInfinite()) throw UsageException("--timeout needs a positive duration such as 30s, 5m or 1h (got '$t')")
    return d
}

private fun parseFormat(text: String): OutputFormat =
    if (text.equals("json", ignoreCase = true)) OutputFormat.JSONL
    else OutputFormat.entries.firstOrNull { it.name.equals(text, ignoreCase = true) }
        ?: throw UsageException("unknown format '$text' (table, markdown, csv, jsonl, arrow)")
