package dev.dbsql.auth.internal

import dev.dbsql.auth.CredentialsException
import dev.dbsql.auth.IdTokenSource
import io.ktor.client.HttpClient
import io.ktor.client.request.bearerAuth
import io.ktor.client.request.get
import io.ktor.client.request.header
import io.ktor.client.statement.HttpResponse
import io.ktor.client.statement.bodyAsChannel
import io.ktor.http.HttpHeaders
import io.ktor.http.encodeURLParameter
import io.ktor.http.isSuccess
import io.ktor.utils.io.readRemaining
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.TimeoutCancellationException
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import kotlinx.io.readByteArray
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.contentOrNull
import java.io.IOException
import java.nio.channels.FileChannel
import java.nio.file.NoSuchFileException
import java.nio.file.Path
import java.nio.file.StandardOpenOption

/** At most this many bytes of an ID token file or answer are read. */
internal const val MAX_ID_TOKEN_BYTES: Int = 64 * 1024

/** Reads at most [limit] bytes of [response]; a longer body is refused, naming [what]. */
internal suspend fun boundedBody(response: HttpResponse, limit: Int, what: String): String {
    val bytes = response.bodyAsChannel().readRemaining(limit.toLong() + 1).readByteArray()
    if (bytes.size > limit) throw CredentialsException("$what answered more than $limit bytes")
    return String(bytes, Charsets.UTF_8)
}

internal class FileIdTokenSource(private val path: Path) : IdTokenSource {
    override val description: String get() = "file $path"

    override suspend fun idToken(audience: String, http: HttpClient): String = withContext(Dispatchers.IO) {
        val bytes = try {
            FileChannel.open(path, StandardOpenOption.READ).use { ch ->
                val buffer = java.nio.ByteBuffer.allocate(MAX_ID_TOKEN_BYTES + 1)
                while (buffer.hasRemaining() && ch.read(buffer) >= 0) Unit
                if (buffer.position() > MAX_ID_TOKEN_BYTES) throw CredentialsException("the OIDC ID token file $path is larger than $MAX_ID_TOKEN_BYTES bytes")
                buffer.array().copyOf(buffer.position())
            }
        } catch (e: NoSuchFileException) {
            throw CredentialsException("no OIDC ID token: file $path does not exist", e)
        } catch (e: IOException) {
            throw CredentialsException("cannot read the OIDC ID token file $path: ${e.javaClass.simpleName}", e)
        }
        String(bytes, Charsets.UTF_8).trim().takeIf { it.isNotEmpty() }
            ?: throw CredentialsException("no OIDC ID token: file $path is empty")
    }

    override fun toString(): String = "IdTokenSource($description)"
}

internal class GithubActionsIdTokenSource(private val requestUrl: String, private val requestToken: String) : IdTokenSource {
    init {
        require(requestUrl.isNotBlank()) { "ACTIONS_ID_TOKEN_REQUEST_URL must not be blank" }
        require(requestToken.isNotEmpty()) { "ACTIONS_ID_TOKEN_REQUEST_TOKEN must not be empty" }
        if (hasUserInfo(requestUrl)) throw CredentialsException("ACTIONS_ID_TOKEN_REQUEST_URL must not contain user information")
        val scheme = requestUrl.substringBefore("://", "").lowercase()
        val host = Origin.of(requestUrl)?.host
        if (scheme != "https" && !(scheme == "http" && host != null && isLoopbackHost(host))) {
            throw CredentialsException("ACTIONS_ID_TOKEN_REQUEST_URL '${redactUrl(requestUrl)}' must be https (plain http only on loopback)")
        }
    }

    override val description: String get() = "GitHub Actions OIDC at ${redactUrl(requestUrl)}"

    override suspend fun idToken(audience: String, http: HttpClient): String {
        val separator = if ('?' in requestUrl) "&" else "?"
        val url = requestUrl + separator + "audience=" + audience.encodeURLParameter()
        val what = "the GitHub Actions ID token request to ${redactUrl(requestUrl)}"
        val text = try {
            withTimeout(TIMEOUT_MS) {
                val response = http.get(url) {
                    bearerAuth(requestToken)
                    header(HttpHeaders.Accept, "application/json")
                }
                val body = boundedBody(response, MAX_ID_TOKEN_BYTES, what)
                if (!response.status.isSuccess()) throw CredentialsException("$what failed with HTTP ${response.status.value}")
                body
            }
        } catch (e: TimeoutCancellationException) {
            throw CredentialsException("$what timed out", e)
        } catch (e: IOException) {
            throw CredentialsException("$what failed: ${e.javaClass.simpleName}", e)
        }
        val value = runCatching { (Json.parseToJsonElement(text) as? JsonObject)?.get("value") as? JsonPrimitive }.getOrNull()?.contentOrNull
        return value?.takeIf { it.isNotEmpty() } ?: throw CredentialsException("$what answered no 'value'")
    }

    override fun toString(): String = "IdTokenSource($description)"

    private companion object {
        const val TIMEOUT_MS = 30_000L
    }
}
