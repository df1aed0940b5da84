package dev.dbsql.core.internal

import dev.dbsql.auth.AccessToken
import dev.dbsql.auth.CredentialsConfigurationException
import dev.dbsql.auth.CredentialsProvider
import dev.dbsql.core.AuthenticationException
import dev.dbsql.core.ConfigurationException
import dev.dbsql.core.DatabricksSqlException
import dev.dbsql.core.RetryStrategy
import io.ktor.client.HttpClient
import io.ktor.client.request.header
import io.ktor.client.request.parameter
import io.ktor.client.request.prepareRequest
import io.ktor.client.request.setBody
import io.ktor.client.statement.HttpResponse
import io.ktor.client.statement.bodyAsChannel
import io.ktor.http.charset
import io.ktor.http.contentLength
import io.ktor.utils.io.readAvailable
import dev.dbsql.core.ProtocolException
import java.io.ByteArrayOutputStream
import io.ktor.http.ContentType
import io.ktor.http.HttpHeaders
import io.ktor.http.HttpMethod
import io.ktor.http.content.TextContent
import kotlinx.coroutines.CancellationException
import org.slf4j.LoggerFactory
import kotlin.time.TimeSource

/**
 * Sends API calls: adds the bearer token and JSON headers, refreshes the token once on 401,
 * retries through the [retryStrategy] and maps every failure to a [DatabricksSqlException] (an
 * `Error` such as `OutOfMemoryError` is never caught). Bodies are read up to [maxResponseBytes].
 * Runs in the caller's coroutine; thread-safe. Never logs tokens or bodies.
 */
internal class ApiTransport(
    private val baseUrl: String,
    private val http: HttpClient,
    private val credentials: CredentialsProvider,
    val retryStrategy: RetryStrategy,
    /** The largest response body read ([dev.dbsql.core.ClientConfig.maxResponseBytes]). */
    private val maxResponseBytes: Long = dev.dbsql.core.ClientConfig.DEFAULT_MAX_RESPONSE_BYTES,
) {
    private val host = baseUrl.substringAfter("://")

    suspend fun call(
        method: HttpMethod,
        path: String,
        body: String?,
        info: CallInfo,
        query: Map<String, String> = emptyMap(),
    ): String = retryStrategy.retry { attempt -> attemptWithAuthRefresh(method, path, body, info, query, attempt) }

    private suspend fun attemptWithAuthRefresh(
        method: HttpMethod,
        path: String,
        body: String?,
        info: CallInfo,
        query: Map<String, String>,
        attempt: Int,
    ): String {
        var refreshed = false
        while (true) {
            val token = token()
            val started = TimeSource.Monotonic.markNow()
            val answer = try {
                http.prepareRequest(baseUrl + path) {
                    this.method = method
                    query.forEach { (k, v) -> parameter(k, v) }
                    header(HttpHeaders.Authorization, "Bearer ${token.value}")
                    header(HttpHeaders.Accept, "application/json")
                    if (body != null) setBody(TextContent(body, ContentType.Application.Json))
                }.execute { response ->
                    Answer(response.status.value, response.headers[HttpHeaders.RetryAfter], readBounded(response, info))
                }
            } catch (e: CancellationException) {
                throw e
            } catch (e: DatabricksSqlException) {
                throw e
            } catch (e: Exception) { // never an Error: OutOfMemoryError and the like propagate as they are
                log.debug("{} {} attempt {} failed after {}: {}", method.value, path, attempt, started.elapsedNow(), e.toString())
                throw ErrorMapping.fromThrowable(e, info, host)
            }
            val status = answer.status
            log.debug("{} {} attempt {} -> {} in {}", method.value, path, attempt, status, started.elapsedNow())
            if (status in 200..299) return answer.text
            if (status == 401 && !refreshed) {
                log.info("{}: HTTP 401, invalidating the '{}' token and trying once more", info.what, credentials.name)
                credentials.invalidate(token)
                refreshed = true
                continue
            }
            throw ErrorMapping.fromResponse(status, answer.retryAfter, answer.text, info, host)
        }
    }

    private class Answer(val status: Int, val retryAfter: String?, val text: String)

    /**
     * The body as text, read up to [maxResponseBytes]: a longer one (by `Content-Length` or by what
     * arrives) fails with a [ProtocolException] naming the limit, before more is read.
     */
    private suspend fun readBounded(response: HttpResponse, info: CallInfo): String {
        val declared = response.contentLength()
        if (declared != null && declared > maxResponseBytes) throw tooLarge(info, "$declared bytes (Content-Length)")
        val channel = response.bodyAsChannel()
        val out = ByteArrayOutputStream(minOf(declared ?: 8192L, maxResponseBytes).toInt().coerceAtLeast(0))
        val buffer = ByteArray(64 * 1024)
        while (true) {
            val n = channel.readAvailable(buffer, 0, buffer.size)
            if (n < 0) break
            if (out.size().toLong() + n > maxResponseBytes) {
                channel.cancel(null)
                throw tooLarge(info, "more than $maxResponseBytes bytes")
            }
            out.write(buffer, 0, n)
        }
        channel.closedCause?.let { throw it }
        if (declared != null && out.size().toLong() != declared) {
            // the connection ended inside the body: a network failure (retried only when the call is idempotent)
            throw java.io.EOFException("the response body ended after ${out.size()} of $declared bytes")
        }
        val charset = response.charset() ?: Charsets.UTF_8
        return String(out.toByteArray(), charset)
    }

    private fun tooLarge(info: CallInfo, size: String) = ProtocolException(
        "${info.what}: the response of $size exceeds ClientConfig.maxResponseBytes ($maxResponseBytes bytes); not retried",
        null, info.statementId,
    )

    private suspend fun token(): AccessToken = try {
        credentials.token()
    } catch (e: CancellationException) {
        throw e
    } catch (e: DatabricksSqlException) {
        throw e
    } catch (e: CredentialsConfigurationException) {
        // e.g. an OAuth endpoint on an untrusted host: nothing was sent; a configuration problem, not a refusal
        throw ConfigurationException(e.field, e.message.orEmpty().removePrefix("${e.field}: "), e)
    } catch (e: Exception) {
        throw AuthenticationException("could not obtain a token from the '${credentials.name}' credentials provider: ${e.message}", e)
    }

    private companion object {
        val log = LoggerFactory.getLogger("dev.dbsql.core.transport")
    }
}
