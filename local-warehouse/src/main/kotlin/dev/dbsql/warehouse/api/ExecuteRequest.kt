package dev.dbsql.warehouse.api

import dev.dbsql.warehouse.engine.ResultFormat
import dev.dbsql.warehouse.engine.SqlParameter
import kotlinx.serialization.SerializationException
import java.time.Duration

/** `disposition` of an execute request. */
enum class Disposition { INLINE, EXTERNAL_LINKS, INLINE_OR_EXTERNAL_LINKS }

/** `on_wait_timeout` of an execute request. */
enum class OnWaitTimeout { CONTINUE, CANCEL }

/** One query tag as received (`value` null for a key-only tag). */
data class QueryTag(val key: String, val value: String?)

/** A validated execute request. */
internal data class ExecuteSpec(
    val statement: String,
    val warehouseId: String?,
    val sessionId: String?,
    val catalog: String?,
    val schema: String?,
    val parameters: List<SqlParameter>,
    val rowLimit: Long?,
    val byteLimit: Long?,
    val disposition: Disposition,
    val format: ResultFormat,
    val wait: Duration,
    val onWaitTimeout: OnWaitTimeout,
    val lz4Requested: Boolean,
    val queryTags: List<QueryTag>,
    /** `statement_conf`: keys lower-cased; honoured for this statement only. */
    val statementConf: Map<String, String> = emptyMap(),
)

internal object ExecuteRequests {
    private const val MAX_STATEMENT_BYTES = 16L * 1024 * 1024
    private const val MAX_QUERY_TAGS = 20
    private const val MAX_STATEMENT_CONF = 64
    private val waitPattern = Regex("""^(\d{1,3})s$""")

    /** Parses and validates an execute body; throws [ApiException] (HTTP 400) on bad input. */
    fun parse(text: String): ExecuteSpec {
        val body = try {
            if (text.isBlank()) throw ApiErrors.badRequest("Request body is empty; expected a JSON object")
            ApiJson.decodeFromString(ExecuteStatementBody.serializer(), text)
        } catch (e: SerializationException) {
            throw ApiErrors.badRequest("Malformed request body: ${e.message?.lineSequence()?.firstOrNull() ?: "invalid JSON"}")
        } catch (e: IllegalArgumentException) {
            throw ApiErrors.badRequest("Malformed request body: ${e.message?.lineSequence()?.firstOrNull() ?: "invalid JSON"}")
        }
        return validate(body)
    }

    private fun validate(body: ExecuteStatementBody): ExecuteSpec {
        val statement = body.statement
        if (statement.isNullOrBlank()) throw ApiErrors.invalidParameter("Missing required field: statement")
        if (statement.length > MAX_STATEMENT_BYTES / 4 && statement.toByteArray().size > MAX_STATEMENT_BYTES) {
            throw ApiErrors.invalidParameter("statement is larger than 16 MiB")
        }
        val disposition = enumOf<Disposition>("disposition", body.disposition) ?: Disposition.INLINE
        val format = enumOf<ResultFormat>("format", body.format) ?: ResultFormat.JSON_ARRAY
        if (disposition == Disposition.INLINE && format != ResultFormat.JSON_ARRAY) {
            throw ApiErrors.invalidParameter(
                "Invalid format $format for disposition INLINE: INLINE results support only JSON_ARRAY; use EXTERNAL_LINKS for $format",
            )
        }
        val onWait = enumOf<OnWaitTimeout>("on_wait_timeout", body.onWaitTimeout) ?: OnWaitTimeout.CONTINUE
        val compression = body.resultCompression?.uppercase()
        if (compression != null && compression != "LZ4_FRAME" && compression != "NONE") {
            throw ApiErrors.invalidParameter("Invalid result_compression '${body.resultCompression}': expected LZ4_FRAME or NONE")
        }
        body.rowLimit?.let { if (it <= 0) throw ApiErrors.invalidParameter("row_limit must be greater than 0, was $it") }
        body.byteLimit?.let { if (it <= 0) throw ApiErrors.invalidParameter("byte_limit must be greater than 0, was $it") }
        return ExecuteSpec(
            statement = statement,
            warehouseId = body.warehouseId,
            sessionId = body.sessionId?.takeIf { it.isNotBlank() },
            catalog = body.catalog?.takeIf { it.isNotBlank() },
            schema = body.schema?.takeIf { it.isNotBlank() },
            parameters = parameters(body.parameters.orEmpty()),
            rowLimit = body.rowLimit,
            byteLimit = body.byteLimit,
            disposition = disposition,
            format = format,
            wait = waitTimeout(body.waitTimeout),
            onWaitTimeout = onWait,
            lz4Requested = compression == "LZ4_FRAME",
            queryTags = queryTags(body.queryTags.orEmpty()),
            statementConf = statementConf(body.statementConf.orEmpty()),
        )
    }

    /** `"0s"` or `"5s"`…`"50s"`; absent means 10 s. */
    fun waitTimeout(text: String?): Duration {
        if (text == null) return Duration.ofSeconds(10)
        val seconds = waitPattern.matchEntire(text.trim())?.groupValues?.get(1)?.toLong()
        if (seconds == null || !(seconds == 0L || seconds in 5L..50L)) {
            throw ApiErrors.invalidParameter(
                "Invalid wait_timeout '$text': must be 0s (asynchronous) or between 5s and 50s",
            )
        }
        return Duration.ofSeconds(seconds)
    }

    private fun parameters(items: List<ParameterBody>): List<SqlParameter> {
        val named = items.count { it.name != null }
        val positional = items.count { it.ordinal != null && it.name == null }
        if (named > 0 && positional > 0) {
            throw ApiErrors.invalidParameter("Mixing named and positional (ordinal) parameters is not supported")
        }
        return items.mapIndexed { i, p ->
            if (p.name == null && p.ordinal == null) {
                throw ApiErrors.invalidParameter("Parameter #${i + 1} has neither a name nor an ordinal")
            }
            if (p.name != null && p.name.isBlank()) throw ApiErrors.invalidParameter("Parameter #${i + 1} has an empty name")
            if (p.ordinal != null && p.ordinal < 1) {
                throw ApiErrors.invalidParameter("Parameter ordinal must be 1 or greater, was ${p.ordinal}")
            }
            SqlParameter(name = p.name, ordinal = if (p.name == null) p.ordinal else null, value = p.value, type = p.type?.takeIf { it.isNotBlank() })
        }
    }

    private fun statementConf(conf: Map<String, String>): Map<String, String> {
        if (conf.size > MAX_STATEMENT_CONF) throw ApiErrors.invalidParameter("statement_conf has ${conf.size} entries; at most $MAX_STATEMENT_CONF")
        return conf.entries.associate { (k, v) ->
            if (k.isBlank()) throw ApiErrors.invalidParameter("statement_conf keys must not be empty")
            if (k.length > 256 || v.length > 4096) throw ApiErrors.invalidParameter("statement_conf entry '${k.take(64)}' is too long")
            k.lowercase() to v
        }
    }

    private fun queryTags(items: List<QueryTagBody>): List<QueryTag> {
        val tags = items.map {
            val key = it.key
            if (key.isNullOrBlank()) throw ApiErrors.invalidParameter("Query tag key must not be empty")
            QueryTag(key, it.value?.takeIf { v -> v.isNotBlank() })
        }
        return tags.take(MAX_QUERY_TAGS)
    }

    private inline fun <reified E : Enum<E>> enumOf(field: String, value: String?): E? {
        if (value == null) return null
        return enumValues<E>().firstOrNull { it.name == value.uppercase() }
            ?: throw ApiErrors.invalidParameter(
                "Invalid $field '$value': expected one of ${enumValues<E>().joinToString { it.name }}",
            )
    }
}
