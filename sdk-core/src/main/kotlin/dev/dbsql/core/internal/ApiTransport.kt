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
import io.ktor.client.request.request
import io.ktor.client.request.setBody
import io.ktor.client.statement.bodyAsText
import io.ktor.http.ContentType
import io.ktor.http.HttpHeaders
import io.ktor.http.HttpMethod
import io.ktor.http.content.TextContent
import kotlinx.coroutines.CancellationException
import org.slf4j.LoggerFactory
import kotlin.time.TimeSource

/**
 * Sends API calls: adds the bearer token and JSON headers, refreshes the token once on 401,
 * retries through the [retryStrategy] and maps every failure to a [DatabricksSqlException].
 * Runs in the caller's coroutine; thread-safe. Never logs tokens or bodies.
 */
internal class ApiTransport(
    private val baseUrl: String,
    private val http: HttpClient,
    private val credentials: CredentialsProvider,
    val retryStrategy: RetryStrategy,
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
            val response = try {
                http.request(baseUrl + path) {
                    this.method = method
                    query.forEach { (k, v) -> parameter(k, v) }
                    header(HttpHeaders.Authorization, "Bearer ${token.value}")
                    header(HttpHeaders.Accept, "application/json")
                    if (body != null) setBody(TextContent(body, ContentType.Application.Json))
                }
            } catch (e: CancellationException) {
                throw e
            } catch (e: Throwable) {
                log.debug("{} {} attempt {} failed after {}: {}", method.value, path, attempt, started.elapsedNow(), e.toString())
                throw ErrorMapping.fromThrowable(e, info, host)
            }
            val text = try {
                response.bodyAsText()
            } catch (e: CancellationException) {
                throw e
            } catch (e: Throwable) {
                throw ErrorMapping.fromThrowable(e, info, host)
            }
            val status = response.status.value
            log.debug("{} {} attempt {} -> {} in {}", method.value, path, attempt, status, started.elapsedNow())
            if (status in 200..299) return text
            if (status == 401 && !refreshed) {
                log.info("{}: HTTP 401, invalidating the '{}' token and trying once more", info.what, credentials.name)
                credentials.invalidate(token)
                refreshed = true
                continue
            }
            throw ErrorMapping.fromResponse(status, response.headers[HttpHeaders.RetryAfter], text, info, host)
        }
    }

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
