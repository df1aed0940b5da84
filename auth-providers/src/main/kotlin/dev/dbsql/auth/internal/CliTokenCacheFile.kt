package dev.dbsql.auth.internal

import dev.dbsql.auth.AccessToken
import dev.dbsql.auth.CredentialsException
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.contentOrNull
import kotlinx.serialization.json.intOrNull
import java.io.IOException
import java.nio.file.Files
import java.nio.file.NoSuchFileException
import java.nio.file.Path
import java.nio.file.StandardCopyOption
import java.nio.file.attribute.PosixFilePermissions
import java.time.Instant
import java.time.OffsetDateTime
import java.time.format.DateTimeParseException

/** One token of the Databricks CLI's cache, found under [key]. `toString` shows no secret. */
internal class CliCachedToken(val key: String, val access: AccessToken, val refreshToken: String?) {
    override fun toString(): String = "CliCachedToken(key=$key, expiresAt=${access.expiresAt}, refreshToken=${if (refreshToken == null) "none" else "***"})"
}

/**
 * The token cache `databricks auth login` writes (`~/.databricks/token-cache.json`), format
 * version 1: `{"version": 1, "tokens": {"<key>": {"access_token", "token_type", "refresh_token",
 * "expiry"}}}`, keys being the workspace host (`https://name`, no trailing slash) and, in newer
 * CLIs, the profile name as well. Expiry is RFC 3339; Go's zero time means none.
 *
 * [update] rewrites it the way the CLI does: the whole file is re-read, only the entries holding
 * the refresh token just redeemed are replaced (other fields and entries kept as they are), and the
 * new text is written to a temporary file in the same directory, given the old file's permissions
 * (0600 for a new one) and moved into place atomically. Blocking I/O: call from `Dispatchers.IO`.
 */
internal class CliTokenCacheFile(val file: Path) {
    /** The first of [keys] with a token, or null; [CredentialsException] when the file is unusable. */
    fun lookup(keys: List<String>): CliCachedToken? {
        val tokens = read() ?: return null
        for (key in keys) {
            val entry = tokens[key] as? JsonObject ?: continue
            val access = entry.string("access_token")?.takeIf { it.isNotEmpty() } ?: continue
            return CliCachedToken(key, AccessToken(access, parseExpiry(entry.string("expiry"))), entry.string("refresh_token")?.takeIf { it.isNotEmpty() })
        }
        return null
    }

    /** Replaces the entries whose refresh token is [redeemed] (and the entry under [key]) with [issued]. */
    fun update(key: String, redeemed: String, issued: IssuedToken) {
        synchronized(lockFor(file)) {
            val root = readRoot() ?: return
            val tokens = root["tokens"] as? JsonObject ?: return
            val now = issued.issuedAt
            val replaced = tokens.mapValues { (k, v) ->
                val entry = v as? JsonObject
                if (entry != null && (k == key || entry.string("refresh_token") == redeemed)) updated(entry, issued, now) else v
            }
            write(JsonObject(root + ("tokens" to JsonObject(replaced))))
        }
    }

    private fun updated(entry: JsonObject, issued: IssuedToken, now: Instant): JsonObject {
        val fields = LinkedHashMap<String, JsonElement>(entry)
        fields["access_token"] = JsonPrimitive(issued.access.value)
        fields["token_type"] = JsonPrimitive("Bearer")
        issued.refreshToken?.let { fields["refresh_token"] = JsonPrimitive(it) }
        val expiry = issued.access.expiresAt
        if (expiry != null) fields["expiry"] = JsonPrimitive(expiry.toString()) else fields.remove("expiry")
        if ("expires_in" in fields) {
            if (expiry != null) fields["expires_in"] = JsonPrimitive(java.time.Duration.between(now, expiry).seconds) else fields.remove("expires_in")
        }
        return JsonObject(fields)
    }

    private fun read(): JsonObject? = readRoot()?.let { root ->
        root["tokens"] as? JsonObject ?: JsonObject(emptyMap())
    }

    private fun readRoot(): JsonObject? {
        val text = try {
            if (Files.size(file) > MAX_BYTES) throw CredentialsException("the Databricks CLI token cache $file is larger than $MAX_BYTES bytes")
            Files.readString(file)
        } catch (e: NoSuchFileException) {
            return null
        } catch (e: IOException) {
            throw CredentialsException("cannot read the Databricks CLI token cache $file: ${e.javaClass.simpleName}", e)
        }
        val root = try {
            Json.parseToJsonElement(text) as? JsonObject
        } catch (e: IllegalArgumentException) {
            null
        } ?: throw CredentialsException("the Databricks CLI token cache $file is not the expected JSON")
        val version = (root["version"] as? JsonPrimitive)?.intOrNull
        if (version != VERSION) {
            throw CredentialsException("the Databricks CLI token cache $file has format version $version; only version $VERSION is supported")
        }
        return root
    }

    private fun write(root: JsonObject) {
        val dir = file.toAbsolutePath().parent
        val posix = dir.fileSystem.supportedFileAttributeViews().contains("posix")
        val tmp = if (posix) {
            Files.createTempFile(dir, ".tmp-", ".json", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
        } else {
            Files.createTempFile(dir, ".tmp-", ".json")
        }
        try {
            Files.writeString(tmp, pretty.encodeToString(JsonObject.serializer(), root))
            if (posix && Files.exists(file)) Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(file))
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING)
        } finally {
            Files.deleteIfExists(tmp)
        }
    }

    private fun JsonObject.string(name: String): String? = (this[name] as? JsonPrimitive)?.contentOrNull

    companion object {
        const val VERSION: Int = 1
        private const val MAX_BYTES = 4L * 1024 * 1024
        private val pretty = Json { prettyPrint = true }
        private val locks = java.util.concurrent.ConcurrentHashMap<Path, Any>()

        private fun lockFor(file: Path): Any = locks.computeIfAbsent(file.toAbsolutePath().normalize()) { Any() }

        /** `.databricks/token-cache.json` under [homeDir]. */
        fun defaultFile(homeDir: Path): Path = homeDir.resolve(".databricks").resolve("token-cache.json")

        /** RFC 3339 (any fraction, any offset); null for none or Go's zero time. */
        fun parseExpiry(text: String?): Instant? {
            if (text.isNullOrBlank()) return null
            val instant = try {
                OffsetDateTime.parse(text).toInstant()
            } catch (e: DateTimeParseException) {
                throw CredentialsException("the Databricks CLI token cache has an unreadable expiry", e)
            }
            return if (instant.isBefore(Instant.parse("0002-01-01T00:00:00Z"))) null else instant
        }
    }
}
