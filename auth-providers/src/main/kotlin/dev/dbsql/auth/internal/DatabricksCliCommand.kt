package dev.dbsql.auth.internal

import dev.dbsql.auth.AccessToken
import dev.dbsql.auth.CredentialsException
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.TimeoutCancellationException
import kotlinx.coroutines.async
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.future.await
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.contentOrNull
import java.io.InputStream
import java.nio.file.Files
import java.nio.file.Path
import java.time.Clock
import java.time.Duration
import java.time.LocalDateTime
import java.time.ZoneId
import java.time.format.DateTimeParseException

/**
 * Runs `databricks auth token --host <host>` (or `--profile <name>`, falling back to `--host` for
 * CLIs that do not know `--profile`), as the Databricks SDKs' `databricks-cli` auth type does, and
 * reads the JSON it prints (`access_token`, `token_type`, `expiry`).
 *
 * The process is the command's own: the exit is awaited without blocking a thread, its output is
 * read (at most 64 KiB of each stream) on `Dispatchers.IO`, stdin is closed at once, and on
 * timeout or cancellation the process is killed. The token is never logged; an error shows the
 * exit code and the start of the CLI's stderr.
 */
internal class DatabricksCliCommand(
    private val cli: Path,
    private val host: String,
    private val profile: String?,
    private val clock: Clock,
    private val timeout: Duration = Duration.ofSeconds(60),
) {
    suspend fun token(): IssuedToken {
        if (profile != null) {
            val result = run(listOf("auth", "token", "--profile", profile))
            if (result.exit != 0 && "unknown flag: --profile" in result.stderr) return parse(run(hostArgs()))
            return parse(result)
        }
        return parse(run(hostArgs()))
    }

    private fun hostArgs() = listOf("auth", "token", "--host", host)

    private class Result(val exit: Int, val stdout: String, val stderr: String)

    private suspend fun run(args: List<String>): Result {
        val process = withContext(Dispatchers.IO) {
            try {
                ProcessBuilder(listOf(cli.toString()) + args).start().also { it.outputStream.close() }
            } catch (e: java.io.IOException) {
                throw CredentialsException("cannot run the Databricks CLI $cli: ${e.message ?: e.javaClass.simpleName}", e)
            }
        }
        try {
            return coroutineScope {
                val out = async(Dispatchers.IO) { readBounded(process.inputStream) }
                val err = async(Dispatchers.IO) { readBounded(process.errorStream) }
                val exit = try {
                    withTimeout(timeout.toMillis()) { process.onExit().await().exitValue() }
                } catch (e: TimeoutCancellationException) {
                    process.destroyForcibly()
                    throw CredentialsException("`databricks auth token` did not finish within ${timeout.toSeconds()} s", e)
                }
                Result(exit, out.await(), err.await())
            }
        } finally {
            if (process.isAlive) process.destroyForcibly()
        }
    }

    private fun readBounded(stream: InputStream): String = stream.use { s ->
        val bytes = s.readNBytes(MAX_OUTPUT + 1)
        if (bytes.size > MAX_OUTPUT) throw CredentialsException("`databricks auth token` printed more than $MAX_OUTPUT bytes")
        String(bytes, Charsets.UTF_8)
    }

    private fun parse(result: Result): IssuedToken {
        if (result.exit != 0) {
            val detail = result.stderr.trim().lineSequence().take(5).joinToString(" ").take(400)
            throw CredentialsException("`databricks auth token` failed with exit code ${result.exit}" + if (detail.isEmpty()) "" else ": $detail")
        }
        val body = runCatching { Json.parseToJsonElement(result.stdout) as? JsonObject }.getOrNull()
            ?: throw CredentialsException("`databricks auth token` printed something that is not the expected JSON")
        fun field(name: String) = (body[name] as? JsonPrimitive)?.contentOrNull
        val access = field("access_token")?.takeIf { it.isNotEmpty() }
            ?: throw CredentialsException("`databricks auth token` printed no access_token")
        val type = field("token_type")
        if (type != null && !type.equals("bearer", ignoreCase = true)) throw CredentialsException("`databricks auth token` printed token_type '$type'")
        return IssuedToken(AccessToken(access, parseExpiry(field("expiry"))), null, clock.instant())
    }

    /** RFC 3339, or `yyyy-MM-dd HH:mm:ss[.f]` in local time as the SDKs also accept. */
    private fun parseExpiry(text: String?): java.time.Instant? {
        if (text.isNullOrBlank()) return null
        return try {
            CliTokenCacheFile.parseExpiry(text)
        } catch (e: CredentialsException) {
            try {
                LocalDateTime.parse(text.trim().replace(' ', 'T')).atZone(ZoneId.systemDefault()).toInstant()
            } catch (_: DateTimeParseException) {
                throw CredentialsException("`databricks auth token` printed an unreadable expiry")
            }
        }
    }

    companion object {
        private const val MAX_OUTPUT = 64 * 1024

        /** Below this size an executable named `databricks` is the legacy Python CLI (as the SDKs judge it). */
        private const val MIN_CLI_SIZE = 1024L * 1024

        /**
         * The Databricks CLI to run: [configured] (`databricks_cli_path` / `DATABRICKS_CLI_PATH`; a bare
         * name is looked up in [pathVariable]) or `databricks` on [pathVariable]; null when none is
         * found or only the legacy (< 0.100) CLI is.
         */
        fun find(configured: String?, pathVariable: String?): Path? {
            val name = configured?.takeIf { it.isNotBlank() } ?: "databricks"
            if ('/' in name || '\\' in name) return Path.of(name).takeIf(::usable)
            val names = if (System.getProperty("os.name").orEmpty().startsWith("Windows")) listOf(name, "$name.exe") else listOf(name)
            return pathVariable.orEmpty().split(java.io.File.pathSeparatorChar).filter { it.isNotBlank() }
                .flatMap { dir -> names.map { runCatching { Path.of(dir, it) }.getOrNull() } }
                .filterNotNull()
                .firstOrNull(::usable)
        }

        private fun usable(path: Path): Boolean = runCatching {
            Files.isRegularFile(path) && Files.isExecutable(path) && Files.size(path) >= MIN_CLI_SIZE
        }.getOrDefault(false)
    }
}
