package dev.dbsql.auth.internal

import dev.dbsql.auth.AccessToken
import kotlinx.serialization.SerialName
import kotlinx.serialization.Serializable
import kotlinx.serialization.json.Json
import org.slf4j.LoggerFactory
import java.nio.file.FileAlreadyExistsException
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.StandardCopyOption
import java.nio.file.attribute.PosixFilePermission
import java.nio.file.attribute.PosixFilePermissions
import java.security.MessageDigest
import java.time.Instant

@Serializable
private class CachedTokenFile(
    val version: Int = 1,
    val host: String,
    @SerialName("client_id") val clientId: String,
    val scopes: List<String>,
    @SerialName("access_token") val accessToken: String,
    @SerialName("expires_at") val expiresAt: Long? = null,
    @SerialName("issued_at") val issuedAt: Long,
    @SerialName("refresh_token") val refreshToken: String? = null,
) {
    override fun toString(): String = "CachedTokenFile(host=$host, clientId=$clientId)"
}

/**
 * User-to-machine tokens on disk, one file per (host, client id, scopes) in [dir]. On POSIX file
 * systems the directory is created 0700 and each file is written to a temporary file created with
 * 0600 from the start, then moved into place atomically; files readable by others are ignored.
 * Blocking I/O: call from `Dispatchers.IO`.
 */
internal class TokenFileCache(
    private val dir: Path,
    private val host: String,
    private val clientId: String,
    private val scopes: List<String>,
) {
    val file: Path = dir.resolve(fileName())

    fun load(): IssuedToken? {
        if (!Files.isRegularFile(file)) return null
        if (posix && Files.getPosixFilePermissions(file).any { it !in OWNER_ONLY }) {
            log.warn("ignoring token cache file {}: it is readable or writable by other users", file)
            return null
        }
        val cached = try {
            json.decodeFromString(CachedTokenFile.serializer(), Files.readString(file))
        } catch (e: Exception) {
            log.warn("ignoring unreadable token cache file {}: {}", file, e.javaClass.simpleName)
            return null
        }
        if (cached.host != host || cached.clientId != clientId || cached.scopes != scopes) return null
        return IssuedToken(
            AccessToken(cached.accessToken, cached.expiresAt?.let(Instant::ofEpochSecond)),
            cached.refreshToken,
            Instant.ofEpochSecond(cached.issuedAt),
        )
    }

    fun save(token: IssuedToken) {
        val text = json.encodeToString(
            CachedTokenFile.serializer(),
            CachedTokenFile(
                host = host, clientId = clientId, scopes = scopes,
                accessToken = token.access.value,
                expiresAt = token.access.expiresAt?.epochSecond,
                issuedAt = token.issuedAt.epochSecond,
                refreshToken = token.refreshToken,
            ),
        )
        createDirectory()
        val tmp = if (posix) {
            Files.createTempFile(dir, ".token-", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY))
        } else {
            Files.createTempFile(dir, ".token-", ".tmp")
        }
        try {
            Files.writeString(tmp, text)
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING)
        } finally {
            Files.deleteIfExists(tmp)
        }
    }

    fun delete() {
        Files.deleteIfExists(file)
    }

    private fun createDirectory() {
        if (Files.isDirectory(dir)) return
        try {
            if (posix) {
                val perms = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))
                dir.parent?.let { Files.createDirectories(it) }
                Files.createDirectory(dir, perms)
            } else {
                Files.createDirectories(dir)
            }
        } catch (_: FileAlreadyExistsException) {
            // created concurrently
        }
    }

    private fun fileName(): String {
        val key = "$host|$clientId|${scopes.joinToString(" ")}"
        val digest = MessageDigest.getInstance("SHA-256").digest(key.toByteArray())
        return digest.take(12).joinToString("") { "%02x".format(it) } + ".json"
    }

    private val posix: Boolean get() = dir.fileSystem.supportedFileAttributeViews().contains("posix")

    private companion object {
        val OWNER_ONLY: Set<PosixFilePermission> = PosixFilePermissions.fromString("rw-------")
        val json = Json { ignoreUnknownKeys = true }
        val log = LoggerFactory.getLogger(TokenFileCache::class.java)
    }
}
