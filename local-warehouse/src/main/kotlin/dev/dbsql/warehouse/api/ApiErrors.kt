package dev.dbsql.warehouse.api

import io.ktor.http.HttpStatusCode
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive

/**
 * An HTTP-level failure answered with the platform error body `{"error_code": ..., "message": ...}`.
 * [errorCode] is a string (`INVALID_PARAMETER_VALUE`) except at the auth gateway, which answers with
 * the numeric status (see [numericCode]).
 */
internal class ApiException(
    val status: HttpStatusCode,
    val errorCode: String,
    override val message: String,
    val headers: Map<String, String> = emptyMap(),
    val numericCode: Boolean = false,
) : RuntimeException(message) {
    fun body(): String {
        val code = if (numericCode) JsonPrimitive(errorCode.toInt()) else JsonPrimitive(errorCode)
        return JsonObject(mapOf("error_code" to code, "message" to JsonPrimitive(message))).toString()
    }
}

internal object ApiErrors {
    fun invalidParameter(message: String) =
        ApiException(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", message)

    fun badRequest(message: String) = ApiException(HttpStatusCode.BadRequest, "BAD_REQUEST", message)

    fun invalidState(message: String) = ApiException(HttpStatusCode.BadRequest, "INVALID_STATE", message)

    fun notFound(message: String) = ApiException(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", message)

    fun endpointNotFound(path: String) =
        ApiException(HttpStatusCode.NotFound, "ENDPOINT_NOT_FOUND", "No API found for '$path'")

    fun missingCredentials() = ApiException(
        HttpStatusCode.Unauthorized, "401",
        "Credential was not sent or was of an unsupported type for this API.",
        headers = mapOf("www-authenticate" to "Bearer realm=\"DatabricksRealm\""),
        numericCode = true,
    )

    fun invalidToken() = ApiException(HttpStatusCode.Forbidden, "403", "Invalid access token.", numericCode = true)

    fun expiredToken() = ApiException(
        HttpStatusCode.Unauthorized, "401", "Token expired",
        headers = mapOf("www-authenticate" to "Bearer error=\"invalid_token\""),
        numericCode = true,
    )

    /** 413: the request body is over a limit (raw bytes on the wire or bytes after gzip decoding). */
    fun bodyTooLarge(limit: Long, decoded: Boolean) = ApiException(
        HttpStatusCode.PayloadTooLarge, "REQUEST_ENTITY_TOO_LARGE",
        if (decoded) "The request body decodes to more than $limit bytes." else "The request body is larger than $limit bytes.",
        headers = mapOf("Connection" to "close"),
    )

    /** 408: the request body did not arrive within the read timeout. */
    fun bodyTimeout(timeout: java.time.Duration) = ApiException(
        HttpStatusCode.RequestTimeout, "REQUEST_TIMEOUT",
        "The request body did not arrive within ${timeout.toMillis()} ms.",
        headers = mapOf("Connection" to "close"),
    )

    /** A status answer injected by the fault plan (or any throttling answer): always with `Retry-After` for 429/503. */
    fun injected(status: Int, retryAfterSeconds: Long?, message: String): ApiException {
        val code = when (status) {
            429 -> "REQUEST_LIMIT_EXCEEDED"
            503 -> "TEMPORARILY_UNAVAILABLE"
            500 -> "INTERNAL_ERROR"
            502 -> "BAD_GATEWAY"
            504 -> "DEADLINE_EXCEEDED"
            400 -> "BAD_REQUEST"
            404 -> "NOT_FOUND"
            else -> "UNKNOWN"
        }
        val retry = retryAfterSeconds ?: if (status == 429 || status == 503) 1L else null
        val headers = if (retry != null) mapOf("Retry-After" to retry.toString()) else emptyMap()
        return ApiException(HttpStatusCode.fromValue(status), code, message, headers)
    }
}
