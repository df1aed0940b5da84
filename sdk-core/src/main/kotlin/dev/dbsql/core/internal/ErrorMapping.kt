package dev.dbsql.core.internal

import dev.dbsql.core.AuthenticationException
import dev.dbsql.core.ConnectionException
import dev.dbsql.core.DatabricksSqlException
import dev.dbsql.core.InvalidRequestException
import dev.dbsql.core.NotFoundException
import dev.dbsql.core.PermissionDeniedException
import dev.dbsql.core.RateLimitedException
import dev.dbsql.core.ResultExpiredException
import dev.dbsql.core.ServerException
import dev.dbsql.core.ServiceUnavailableException
import dev.dbsql.core.SessionNotFoundException
import dev.dbsql.core.TlsException
import io.ktor.client.network.sockets.ConnectTimeoutException
import io.ktor.client.plugins.HttpRequestTimeoutException
import kotlinx.serialization.json.JsonPrimitive
import java.net.ConnectException
import java.net.SocketTimeoutException
import java.net.UnknownHostException
import java.nio.channels.UnresolvedAddressException
import java.security.cert.CertificateException
import javax.net.ssl.SSLException

/** What a call is, for error mapping and retry decisions. */
internal enum class CallKind(val idempotent: Boolean) {
    EXECUTE(false),
    CREATE_SESSION(false),
    STATUS(true),
    CHUNK(true),
    CANCEL(true),
    CLOSE_STATEMENT(true),
    DELETE_SESSION(true),
    HISTORY(true),
}

/** Context of one call, for messages. */
internal class CallInfo(val kind: CallKind, val what: String, val statementId: String? = null, val sessionId: String? = null)

/** HTTP answers and I/O failures → the SDK's exception hierarchy. */
internal object ErrorMapping {
    fun fromResponse(status: Int, retryAfterHeader: String?, body: String, call: CallInfo, host: String): DatabricksSqlException {
        val parsed = runCatching { ProtocolJson.decodeFromString(ErrorBodyDto.serializer(), body) }.getOrNull()
        val code = (parsed?.errorCode as? JsonPrimitive)?.content
        val serverMessage = parsed?.message ?: parsed?.error ?: body.take(300).ifBlank { null }
        val detail = buildString {
            append("${call.what}: HTTP $status")
            code?.let { append(" $it") }
            serverMessage?.let { append(": ").append(it.trim()) }
        }
        val retryAfter = RetryAfter.parse(retryAfterHeader)
        val id = call.statementId
        return when (status) {
            400, 404 -> when {
                call.sessionId != null && mentionsSession(code, serverMessage) -> SessionNotFoundException(
                    "$detail (session ${call.sessionId} is unknown: closed, expired or never created on $host)", call.sessionId, code,
                )
                status == 404 && call.kind == CallKind.CHUNK && mentionsExpiry(serverMessage) -> ResultExpiredException(
                    "$detail (the result of statement $id is no longer available: closed or expired)", id, code,
                )
                status == 404 && id != null && call.kind != CallKind.CHUNK ->
                    NotFoundException("$detail (statement $id is unknown here: closed, expired, or from another warehouse)", id, code)
                status == 404 -> NotFoundException(detail, id, code)
                else -> InvalidRequestException(detail, status, id, code)
            }
            401 -> AuthenticationException("$detail (the credentials were refused even after a refresh)", null, 401, code)
            403 ->
                if (serverMessage?.contains("token", ignoreCase = true) == true) AuthenticationException(detail, null, 403, code)
                else PermissionDeniedException(detail, id, code)
            429 -> RateLimitedException(detail, id, code, retryAfter, retryable = true)
            503 -> ServiceUnavailableException(detail, status, id, code, retryAfter, retryable = true)
            502, 504 -> ServiceUnavailableException(detail, status, id, code, retryAfter, retryable = call.kind.idempotent)
            in 400..499 -> InvalidRequestException(detail, status, id, code)
            else -> ServerException(detail, status, id, code)
        }
    }

    private fun mentionsExpiry(message: String?): Boolean =
        message == null || listOf("no longer", "expired", "closed").any { message.contains(it, ignoreCase = true) }

    private fun mentionsSession(code: String?, message: String?): Boolean =
        code?.contains("SESSION", ignoreCase = true) == true || message?.contains("session", ignoreCase = true) == true

    /**
     * An I/O failure → exception. [sent] false means the failure came before the request could
     * reach the server (connection refused, connect timeout, unknown host): then even an execute
     * may be retried. After that point only idempotent calls are. An [Error] is rethrown as it is.
     */
    fun fromThrowable(e: Throwable, call: CallInfo, host: String): DatabricksSqlException {
        if (e is Error) throw e // OutOfMemoryError, StackOverflowError, ...: never a (retryable) connection failure
        if (e is DatabricksSqlException) return e
        val id = call.statementId
        tlsCause(e)?.let {
            return TlsException("${call.what}: TLS handshake with $host failed: ${it.message ?: it::class.simpleName}. " + tlsAdvice(e), e)
        }
        return when {
            e is java.io.IOException && e.message == "Can not establish tunnel connection" ->
                // ktor's CIO engine: the proxy answered the CONNECT with something other than 2xx
                ConnectionException(
                    "${call.what}: the proxy refused to open a tunnel (CONNECT) to $host: it may block that host " +
                        "or require authentication (proxy authentication is not supported)",
                    e, id, retryable = false,
                )
            e is UnresolvedAddressException || e is UnknownHostException || e.cause is UnresolvedAddressException ->
                ConnectionException("${call.what}: cannot resolve host $host", e, id, retryable = false)
            e is ConnectTimeoutException ->
                ConnectionException("${call.what}: timed out connecting to $host", e, id, retryable = true)
            e is ConnectException ->
                ConnectionException("${call.what}: cannot connect to $host: ${e.message}", e, id, retryable = true)
            e is HttpRequestTimeoutException || e is SocketTimeoutException ->
                ConnectionException(
                    "${call.what}: timed out waiting for $host (${e.message})" + notRetriedNote(call),
                    e, id, retryable = call.kind.idempotent,
                )
            else -> ConnectionException(
                "${call.what}: connection to $host failed: ${e.message ?: e::class.simpleName}" + notRetriedNote(call),
                e, id, retryable = call.kind.idempotent,
            )
        }
    }

    private fun notRetriedNote(call: CallInfo): String =
        if (call.kind.idempotent) "" else "; not retried because the server may already have acted on the request"

    /**
     * What to do about a failed handshake: a host-name mismatch is not cured by trusting a CA, and
     * a handshake the server refused may want a client certificate; anything else is most often an
     * untrusted (private or self-signed) CA.
     */
    internal fun tlsAdvice(e: Throwable): String {
        val text = generateSequence(e) { it.cause }.take(10).mapNotNull { it.message }.joinToString(" | ")
        return when {
            "No server host" in text || "No subject alternative" in text || "doesn't match" in text ->
                "The server's certificate does not name this host (host-name mismatch): connect with a host name " +
                    "the certificate lists; trusting another CA does not help"
            "Received alert" in text || "bad_certificate" in text || "certificate_required" in text ->
                "The server refused the handshake; if it requires mutual TLS, configure tls.clientCertificate and " +
                    "tls.clientKey with a certificate it accepts"
            // a server that wants a client certificate may also just close the connection (no alert)
            "EOS" in text || "terminated the handshake" in text || "Connection reset" in text ->
                "The server closed the connection during the handshake: if it requires mutual TLS, configure " +
                    "tls.clientCertificate and tls.clientKey; if it uses a private CA or a self-signed certificate, add it with tls.customCa"
            else -> "If the server uses a private CA or a self-signed certificate, add it with tls.customCa"
        }
    }

    private fun tlsCause(e: Throwable): Throwable? {
        var c: Throwable? = e
        var depth = 0
        while (c != null && depth++ < 10) {
            if (c is SSLException || c is CertificateException) return c
            c = c.cause
        }
        return null
    }
}
