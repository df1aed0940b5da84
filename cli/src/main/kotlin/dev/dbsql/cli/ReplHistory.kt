package dev.dbsql.cli

import org.jline.reader.impl.history.DefaultHistory
import java.io.IOException
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.attribute.PosixFilePermissions
import java.time.Instant

/**
 * Which inputs the interactive mode keeps in its history (in memory and in the history file).
 * Not kept: an input that starts with a space (as in shells), one that holds the value of a
 * credential variable of the environment or of a `-p` parameter ([secrets]; values shorter than 4
 * characters are too common to look for), and one that names a secret (the words `SECRET`,
 * `PASSWORD`, `PASSWD`, `TOKEN` or `IDENTIFIED BY`, in any case). Parameter values given with
 * `-p` are never in what is typed: the SQL refers to them as `:name`. Immutable, thread-safe.
 */
internal class HistoryPolicy(secrets: Collection<String>) {
    private val values = secrets.filter { it.length >= 4 }.distinct()

    fun keep(entry: String): Boolean = entry.isNotBlank() &&
        !entry.first().isWhitespace() &&
        values.none { entry.contains(it) } &&
        !SENSITIVE.containsMatchIn(entry)

    companion object {
        private val SENSITIVE = Regex("""(?i)\b(secrets?|passwords?|passwd|tokens?|identified\s+by)\b""")
        private val CREDENTIAL_VARIABLE = Regex("""(?i)(TOKEN|SECRET|PASSWORD|PASSWD)""")

        /** The policy for a run: the values of the environment's credential variables and of the `-p` parameters. */
        fun of(env: Map<String, String>, params: List<ParamArg>): HistoryPolicy =
            HistoryPolicy(env.filterKeys { CREDENTIAL_VARIABLE.containsMatchIn(it) }.values + params.map { it.value })

        /**
         * The history file: `DBSQL_HISTORY` when set (empty: no history file), else
         * `~/.dbsql_history`. Created readable by its owner only.
         */
        fun file(env: Map<String, String>, home: Path): Path? {
            val path = env["DBSQL_HISTORY"]?.let { if (it.isBlank()) return null else Path.of(it) } ?: home.resolve(".dbsql_history")
            if (!Files.exists(path)) {
                try {
                    Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                } catch (e: UnsupportedOperationException) {
                    // not a POSIX file system: JLine creates it with the defaults
                } catch (e: IOException) {
                    return null // no history file where none can be made (the session still has its in-memory history)
                }
            }
            return path
        }
    }
}

/** JLine's history, keeping only what [policy] allows. */
internal class ReplHistory(private val policy: HistoryPolicy) : DefaultHistory() {
    override fun add(time: Instant, line: String) {
        if (policy.keep(line)) super.add(time, line)
    }
}
