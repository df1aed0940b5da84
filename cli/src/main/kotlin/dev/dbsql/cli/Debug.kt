package dev.dbsql.cli

import java.io.ByteArrayOutputStream
import java.io.OutputStream
import java.io.PrintStream

/**
 * `--debug`: the SDK's HTTP trace (method, path, status and time of each API call; token requests)
 * at debug level on standard error, through a filter that redacts credential values from the
 * environment, `Authorization` / token / secret / signature values and URL query strings.
 */
internal object Debug {
    fun enable(env: Map<String, String>) {
        System.setProperty("org.slf4j.simpleLogger.log.dev.dbsql", "debug")
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true")
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS")
        val secrets = listOf("DATABRICKS_TOKEN", "DATABRICKS_CLIENT_SECRET").mapNotNull { env[it]?.takeIf { v -> v.length >= 4 } }
        System.setErr(PrintStream(RedactingStream(System.err, secrets), true, Charsets.UTF_8))
    }

    private val patterns = listOf(
        Regex("""(?i)(authorization\s*[:=]\s*)(bearer\s+|basic\s+)?\S+""") to "$1$2<redacted>",
        Regex("""(?i)((?:access_|refresh_|id_)?token|client_secret|secret|password|signature|sig|x-amz-[a-z-]+)(["']?\s*[:=]\s*["']?)[^\s"'&,}]+""") to "$1$2<redacted>",
        Regex("""(https?://[^\s?"']+)\?[^\s"']*""") to "$1?<redacted>",
    )

    /** [line] with every known secret and secret-looking value replaced by `<redacted>`. */
    fun redact(line: String, secrets: List<String>): String {
        var text = line
        secrets.forEach { text = text.replace(it, "<redacted>") }
        patterns.forEach { (regex, replacement) -> text = regex.replace(text, replacement) }
        return text
    }

    /** Line-buffered: each complete line is redacted before it is written to [target]. */
    private class RedactingStream(private val target: OutputStream, private val secrets: List<String>) : OutputStream() {
        private val line = ByteArrayOutputStream()

        @Synchronized
        override fun write(b: Int) {
            line.write(b)
            if (b == '\n'.code || line.size() > 1 shl 16) emit()
        }

        @Synchronized
        override fun flush() {
            emit()
            target.flush()
        }

        private fun emit() {
            if (line.size() == 0) return
            target.write(redact(line.toString(Charsets.UTF_8), secrets).toByteArray(Charsets.UTF_8))
            line.reset()
        }
    }
}
