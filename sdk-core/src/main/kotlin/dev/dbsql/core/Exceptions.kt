package dev.dbsql.core

import kotlin.time.Duration
import kotlin.time.toJavaDuration
import kotlin.time.toKotlinDuration

/**
 * The root of everything the SDK throws (unchecked). Catch this to catch all SDK failures.
 *
 * Two branches say whether trying again later may succeed: [TransientDatabricksSqlException]
 * (rate limits, unavailability, network trouble) and [NonTransientDatabricksSqlException]
 * (SQL errors, authentication, bad input, ...).
 *
 * @property statementId the statement the failure belongs to, when known.
 * @property httpStatus the HTTP status of the failed response, when there was one.
 * @property sqlState the 5-character SQLSTATE of a SQL failure (`status.sql_state`).
 * @property errorCode the server's error code (`error_code`, e.g. `BAD_REQUEST`, `NOT_FOUND`).
 * @property retryable whether repeating the *same request* is safe and may succeed. An execute
 *   whose request may have reached the server is never retryable (it could run twice), even when
 *   the failure itself is transient.
 * @property retryAfter the wait the server asked for (`Retry-After`), when it sent one (Kotlin;
 *   Java reads it as a `java.time.Duration` with `getRetryAfter()`, see [javaRetryAfter]).
 * @property attempts how many times the request was sent before this failure was thrown
 *   (more than 1 when the SDK retried).
 */
public abstract class DatabricksSqlException(
    message: String,
    cause: Throwable? = null,
    public val statementId: String? = null,
    public val httpStatus: Int? = null,
    public val sqlState: String? = null,
    public val errorCode: String? = null,
    public val retryable: Boolean = false,
    @get:JvmSynthetic public val retryAfter: Duration? = null,
) : RuntimeException(message, cause) {
    /** For Java subclasses: like the primary constructor, with a `java.time.Duration` [retryAfter]. */
    protected constructor(
        message: String,
        cause: Throwable?,
        statementId: String?,
        httpStatus: Int?,
        sqlState: String?,
        errorCode: String?,
        retryable: Boolean,
        retryAfter: java.time.Duration?,
    ) : this(message, cause, statementId, httpStatus, sqlState, errorCode, retryable, retryAfter?.toKotlinDuration())

    /** [retryAfter] as a `java.time.Duration` (null when the server sent no `Retry-After`); Java: `getRetryAfter()`. */
    @get:JvmName("getRetryAfter")
    public val javaRetryAfter: java.time.Duration? get() = retryAfter?.toJavaDuration()

    private val baseMessage: String = message

    public var attempts: Int = 1
        internal set

    private var retryNote: String? = null

    override val message: String
        get() = retryNote?.let { "$baseMessage ($it)" } ?: baseMessage

    /** Records that this failure ended a retry loop (shown in [message]). */
    internal fun recordRetries(attempts: Int, note: String) {
        this.attempts = attempts
        this.retryNote = note
    }
}

/** A failure that may go away if the operation is tried again later. */
public abstract class TransientDatabricksSqlException(
    message: String,
    cause: Throwable? = null,
    statementId: String? = null,
    httpStatus: Int? = null,
    errorCode: String? = null,
    retryable: Boolean = true,
    retryAfter: Duration? = null,
) : DatabricksSqlException(message, cause, statementId, httpStatus, null, errorCode, retryable, retryAfter) {
    /** For Java subclasses: like the primary constructor, with a `java.time.Duration` [retryAfter]. */
    protected constructor(
        message: String,
        cause: Throwable?,
        statementId: String?,
        httpStatus: Int?,
        errorCode: String?,
        retryable: Boolean,
        retryAfter: java.time.Duration?,
    ) : this(message, cause, statementId, httpStatus, errorCode, retryable, retryAfter?.toKotlinDuration())
}

/** A failure that will happen again if the same operation is repeated unchanged. */
public abstract class NonTransientDatabricksSqlException(
    message: String,
    cause: Throwable? = null,
    statementId: String? = null,
    httpStatus: Int? = null,
    sqlState: String? = null,
    errorCode: String? = null,
) : DatabricksSqlException(message, cause, statementId, httpStatus, sqlState, errorCode, retryable = false)

/** HTTP 429: the server refused the request because of a rate limit; see [retryAfter]. */
public open class RateLimitedException(
    message: String,
    statementId: String? = null,
    errorCode: String? = null,
    retryAfter: Duration? = null,
    retryable: Boolean = true,
) : TransientDatabricksSqlException(message, null, statementId, 429, errorCode, retryable, retryAfter) {
    /** For Java: like the primary constructor, with a `java.time.Duration` [retryAfter] (null: none). */
    public constructor(message: String, statementId: String?, errorCode: String?, retryAfter: java.time.Duration?, retryable: Boolean) :
        this(message, statementId, errorCode, retryAfter?.toKotlinDuration(), retryable)
}

/** HTTP 502 / 503 / 504: the service or a gateway is unavailable for now; see [retryAfter]. */
public open class ServiceUnavailableException(
    message: String,
    httpStatus: Int,
    statementId: String? = null,
    errorCode: String? = null,
    retryAfter: Duration? = null,
    retryable: Boolean = true,
) : TransientDatabricksSqlException(message, null, statementId, httpStatus, errorCode, retryable, retryAfter) {
    /** For Java: like the primary constructor, with a `java.time.Duration` [retryAfter] (null: none). */
    public constructor(
        message: String,
        httpStatus: Int,
        statementId: String?,
        errorCode: String?,
        retryAfter: java.time.Duration?,
        retryable: Boolean,
    ) : this(message, httpStatus, statementId, errorCode, retryAfter?.toKotlinDuration(), retryable)
}

/** The network failed: connection refused or reset, a timeout, a truncated response. */
public open class ConnectionException(
    message: String,
    cause: Throwable? = null,
    statementId: String? = null,
    retryable: Boolean = true,
) : TransientDatabricksSqlException(message, cause, statementId, retryable = retryable)

/** The statement failed on the warehouse (`status.state = FAILED`): bad SQL, missing table, ... */
public open class SqlException(
    message: String,
    statementId: String?,
    sqlState: String?,
    errorCode: String?,
) : NonTransientDatabricksSqlException(message, null, statementId, null, sqlState, errorCode)

/** The statement ended `CANCELED` (cancelled by someone, or `on_wait_timeout = CANCEL`). */
public open class StatementCanceledException(message: String, statementId: String?) :
    NonTransientDatabricksSqlException(message, null, statementId)

/** HTTP 401 (after one token refresh), or credentials that could not be obtained. */
public open class AuthenticationException(
    message: String,
    cause: Throwable? = null,
    httpStatus: Int? = null,
    errorCode: String? = null,
) : NonTransientDatabricksSqlException(message, cause, null, httpStatus, null, errorCode)

/** HTTP 403: the identity may not do this. */
public open class PermissionDeniedException(message: String, statementId: String? = null, errorCode: String? = null) :
    NonTransientDatabricksSqlException(message, null, statementId, 403, null, errorCode)

/** HTTP 404: the statement, chunk or session does not exist (any more). */
public open class NotFoundException(
    message: String,
    statementId: String? = null,
    errorCode: String? = null,
    httpStatus: Int? = 404,
) : NonTransientDatabricksSqlException(message, null, statementId, httpStatus, null, errorCode)

/** The statement's result is gone: closed, or past its retention (1 hour after success). */
public open class ResultExpiredException(message: String, statementId: String?, errorCode: String? = null, httpStatus: Int? = 404) :
    NotFoundException(message, statementId, errorCode, httpStatus)

/** The session is unknown to the server: closed, expired, or never created there. */
public open class SessionNotFoundException(message: String, public val sessionId: String?, errorCode: String? = null) :
    NotFoundException(message, null, errorCode)

/** HTTP 400 / 409 / other 4xx: the server rejected the request as invalid. */
public open class InvalidRequestException(message: String, httpStatus: Int, statementId: String? = null, errorCode: String? = null) :
    NonTransientDatabricksSqlException(message, null, statementId, httpStatus, null, errorCode)

/** HTTP 500 / 501 and other unexpected server answers. */
public open class ServerException(message: String, httpStatus: Int?, statementId: String? = null, errorCode: String? = null) :
    NonTransientDatabricksSqlException(message, null, statementId, httpStatus, null, errorCode)

/** The server answered something the SDK cannot read (malformed JSON, missing fields, unknown format). */
public open class ProtocolException(message: String, cause: Throwable? = null, statementId: String? = null) :
    NonTransientDatabricksSqlException(message, cause, statementId)

/** The TLS handshake failed: the server certificate is not trusted, or the host name does not match it. */
public open class TlsException(message: String, cause: Throwable?) :
    NonTransientDatabricksSqlException(message, cause)

/** Invalid configuration or argument; [field] names what is wrong (e.g. `host`, `timeouts.connect`). */
public open class ConfigurationException(public val field: String, message: String, cause: Throwable? = null) :
    NonTransientDatabricksSqlException("$field: $message", cause)

/** A [StatementHandle] that cannot be used: unreadable JSON, unknown version, or another host / warehouse. */
public open class InvalidHandleException(message: String, cause: Throwable? = null, statementId: String? = null) :
    NonTransientDatabricksSqlException(message, cause, statementId)

/** The client was closed before or while the call ran. */
public open class ClientClosedException(message: String = "the DatabricksSqlClient is closed") :
    NonTransientDatabricksSqlException(message)
