package dev.dbsql.core.unit

import dev.dbsql.core.AuthenticationException
import dev.dbsql.core.ConnectionException
import dev.dbsql.core.InvalidRequestException
import dev.dbsql.core.NotFoundException
import dev.dbsql.core.PermissionDeniedException
import dev.dbsql.core.RateLimitedException
import dev.dbsql.core.ResultExpiredException
import dev.dbsql.core.ServerException
import dev.dbsql.core.ServiceUnavailableException
import dev.dbsql.core.SessionNotFoundException
import dev.dbsql.core.TlsException
import dev.dbsql.core.internal.CallInfo
import dev.dbsql.core.internal.CallKind
import dev.dbsql.core.internal.ErrorMapping
import io.ktor.client.network.sockets.ConnectTimeoutException
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.types.shouldBeInstanceOf
import java.io.IOException
import java.net.ConnectException
import java.net.SocketTimeoutException
import javax.net.ssl.SSLHandshakeException
import kotlin.time.Duration.Companion.seconds

class ErrorMappingSpec : FunSpec({
    val execute = CallInfo(CallKind.EXECUTE, "execute statement")
    val status = CallInfo(CallKind.STATUS, "get statement s1", "s1")
    fun map(code: Int, call: CallInfo, body: String = "", retryAfter: String? = null) =
        ErrorMapping.fromResponse(code, retryAfter, body, call, "h.example.com")

    test("HTTP statuses map to typed exceptions with code, message and Retry-After") {
        val e = map(429, execute, """{"error_code":"REQUEST_LIMIT_EXCEEDED","message":"slow down"}""", "3")
        e.shouldBeInstanceOf<RateLimitedException>()
        e.retryable shouldBe true
        e.retryAfter shouldBe 3.seconds
        e.errorCode shouldBe "REQUEST_LIMIT_EXCEEDED"
        e.message shouldContain "slow down"
        map(503, execute).shouldBeInstanceOf<ServiceUnavailableException>().retryable shouldBe true
        map(502, execute).retryable shouldBe false
        map(504, status).retryable shouldBe true
        map(500, status).shouldBeInstanceOf<ServerException>().retryable shouldBe false
        map(400, execute, """{"error_code":"INVALID_PARAMETER_VALUE","message":"bad"}""").shouldBeInstanceOf<InvalidRequestException>()
        map(401, status, """{"error_code":401,"message":"Token expired"}""").shouldBeInstanceOf<AuthenticationException>().errorCode shouldBe "401"
        map(403, status, """{"error_code":403,"message":"Invalid access token."}""").shouldBeInstanceOf<AuthenticationException>()
        map(403, status, """{"error_code":"PERMISSION_DENIED","message":"no"}""").shouldBeInstanceOf<PermissionDeniedException>()
        map(404, status).shouldBeInstanceOf<NotFoundException>().statementId shouldBe "s1"
        map(418, status, "<html>teapot</html>").message shouldContain "teapot"
    }

    test("404s are told apart: expired result, missing chunk, unknown session") {
        val chunk = CallInfo(CallKind.CHUNK, "fetch chunk 3", "s1")
        map(404, chunk, """{"message":"The result of statement s1 is no longer available"}""").shouldBeInstanceOf<ResultExpiredException>()
        val missing = map(404, chunk, """{"message":"Chunk 3 of statement s1 does not exist"}""")
        missing.shouldBeInstanceOf<NotFoundException>()
        (missing is ResultExpiredException) shouldBe false
        val inSession = CallInfo(CallKind.EXECUTE, "execute statement", null, "sess-1")
        map(404, inSession, """{"error_code":"RESOURCE_DOES_NOT_EXIST","message":"Session sess-1 does not exist."}""")
            .shouldBeInstanceOf<SessionNotFoundException>().sessionId shouldBe "sess-1"
    }

    test("I/O failures: before sending retryable for every call, after sending only for idempotent ones") {
        ErrorMapping.fromThrowable(ConnectException("Connection refused"), execute, "h").retryable shouldBe true
        ErrorMapping.fromThrowable(ConnectTimeoutException("t", null), execute, "h").retryable shouldBe true
        ErrorMapping.fromThrowable(SocketTimeoutException("read"), execute, "h").retryable shouldBe false
        ErrorMapping.fromThrowable(IOException("Connection reset"), execute, "h").shouldBeInstanceOf<ConnectionException>().retryable shouldBe false
        ErrorMapping.fromThrowable(IOException("Connection reset"), status, "h").retryable shouldBe true
        val tls = ErrorMapping.fromThrowable(IOException("wrap", SSLHandshakeException("PKIX path building failed")), status, "h")
        tls.shouldBeInstanceOf<TlsException>()
        tls.retryable shouldBe false
        tls.message shouldContain "tls.customCa"
    }

    test("an Error is never mapped to a (retryable) connection failure: it is rethrown as it is") {
        for (error in listOf(OutOfMemoryError("Java heap space"), StackOverflowError())) {
            val thrown = io.kotest.assertions.throwables.shouldThrowAny { ErrorMapping.fromThrowable(error, status, "h") }
            thrown shouldBe error
        }
    }
})
