package dev.dbsql.auth

/**
 * Root of the errors raised while obtaining credentials: missing or malformed configuration,
 * refused OAuth grants, a login that never completed. Messages name the source (variable, file,
 * profile, endpoint) and never contain a secret value.
 */
public open class CredentialsException(message: String, cause: Throwable? = null) :
    RuntimeException(message, cause)

/** A `~/.databrickscfg`-style file is missing, malformed, or lacks the requested profile or key. */
public class ConfigFileException(message: String, cause: Throwable? = null) :
    CredentialsException(message, cause)

/**
 * An OAuth endpoint refused a request, or answered something unusable.
 *
 * @property error the RFC 6749 error code (`invalid_client`, `invalid_grant`, ...) when the server sent one.
 * @property httpStatus the HTTP status of the answer, or null when the failure was local (e.g. a `state` mismatch).
 */
public class OAuthException(
    message: String,
    public val error: String? = null,
    public val httpStatus: Int? = null,
    cause: Throwable? = null,
) : CredentialsException(message, cause)

/**
 * No source of a credentials chain produced a token. [message] lists every source tried and why it
 * failed; each failure is also attached with [addSuppressed].
 */
public class CredentialsNotFoundException(message: String) : CredentialsException(message)

/**
 * A configured or discovered value cannot be used safely, e.g. an OAuth `token_endpoint` on a host
 * the user never configured, or over plain http to a non-loopback host. Nothing was sent to it.
 * The SDK client reports it as its own `ConfigurationException` with the same [field].
 *
 * @property field what is wrong: `token_endpoint`, `authorization_endpoint`, `host`, ...
 */
public class CredentialsConfigurationException(
    public val field: String,
    message: String,
    cause: Throwable? = null,
) : CredentialsException("$field: $message", cause)
