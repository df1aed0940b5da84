package dev.dbsql.cli

import java.nio.file.Path
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds

/** What to print results as. */
enum class OutputFormat { TABLE, CSV, JSON, ARROW }

/** The parsed command line. Exactly one action: run [sql], or act on a saved handle. */
data class CliOptions(
    val sql: String? = null,
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
    val help: Boolean = false,
    val version: Boolean = false,
)

/** A command line the tool cannot act on; [message] says why. */
class UsageException(message: String) : Exception(message)

const val USAGE: String = """Usage: dbsql [options] "SQL"
       dbsql [options] --resume FILE | --cancel FILE

Runs SQL on a Databricks SQL warehouse and prints the result. With no workspace configured
(DATABRICKS_HOST / a ~/.databrickscfg profile), or with --local, it runs on an embedded local
warehouse (DuckDB) instead.

Options:
  --local               use the embedded local warehouse even when a workspace is configured
  --profile NAME        use this ~/.databrickscfg profile
  --host URL            workspace URL; credentials only from a source for that host: the environment
                        (DATABRICKS_HOST equal to URL, or unset) or a ~/.databrickscfg profile whose
                        host is URL. Credentials of another host are never sent to it.
  --warehouse ID        SQL warehouse ID (or an HTTP path /sql/1.0/warehouses/ID)
  --format FMT          table (default), csv, json (one object per line) or arrow (IPC stream)
  --output FILE         write the result to FILE instead of standard output
  --max-rows N          stop after N rows (the server cuts the result: row_limit)
  --timeout DURATION    give up after DURATION (30s, 5m, 1h 30m, or seconds) and cancel the
                        statement on the server
  --submit              submit the statement, print its handle (JSON) and exit at once
  --resume FILE         wait for the statement in the handle FILE and print its result
  --cancel FILE         cancel the statement in the handle FILE
  --progress / --no-progress
                        progress line on standard error (default: when it is a terminal)
  --help, --version

Exit codes: 0 success, 1 SQL error, 2 usage error, 3 authentication error,
            4 statement canceled, 5 other error (connection, server, result), 6 timed out (--timeout),
            130 interrupted (Ctrl-C, SIGINT), 143 terminated (SIGTERM). On 6, 130 and 143 the running
            statement is cancelled on the server before the process exits."""

/** Parses [args]; throws [UsageException] with a message naming the problem. */
fun parseArgs(args: Array<String>): CliOptions {
    var options = CliOptions()
    val positional = mutableListOf<String>()
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
            "--output", "-o" -> options.copy(output = Path.of(v()))
            "--max-rows" -> options.copy(maxRows = v().toLongOrNull()?.takeIf { it > 0 } ?: throw UsageException("--max-rows needs a positive number"))
            "--timeout" -> options.copy(timeout = parseTimeout(v()))
            "--submit" -> options.copy(submit = true)
            "--resume" -> options.copy(resume = Path.of(v()))
            "--cancel" -> options.copy(cancel = Path.of(v()))
            "--progress" -> options.copy(progress = true)
            "--no-progress" -> options.copy(progress = false)
            "--help", "-h" -> options.copy(help = true)
            "--version" -> options.copy(version = true)
            "--" -> { positional += args.drop(i + 1); i = args.size; options }
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
    options = options.copy(sql = positional.firstOrNull()?.takeIf { it.isNotBlank() })
    val actions = listOfNotNull(options.sql?.let { "SQL" }, options.resume?.let { "--resume" }, options.cancel?.let { "--cancel" })
    if (actions.isEmpty()) throw UsageException("no SQL given")
    if (actions.size > 1) throw UsageException("give only one of: SQL, --resume, --cancel (got ${actions.joinToString()})")
    if (options.submit && options.sql == null) throw UsageException("--submit needs SQL")
    if (options.local && (options.host != null || options.profile != null)) throw UsageException("--local cannot be combined with --host or --profile")
    return options
}

/** `30s`, `5m`, `1h 30m`, ISO `PT30S`, or a number of seconds; must be positive. */
internal fun parseTimeout(text: String): Duration {
    val t = text.trim()
    val d = t.toLongOrNull()?.seconds ?: Duration.parseOrNull(t)
    if (d == null || !d.isPositive() || d.isInfinite()) throw UsageException("--timeout needs a positive duration such as 30s, 5m or 1h (got '$t')")
    return d
}

private fun parseFormat(text: String): OutputFormat =
    OutputFormat.entries.firstOrNull { it.name.equals(text, ignoreCase = true) }
        ?: throw UsageException("unknown format '$text' (table, csv, json, arrow)")
