
package dev.dbsql.core.internal

import dev.dbsql.core.ClientConfig
import dev.dbsql.core.DatabricksSqlClient
import dev.dbsql.core.ExecuteOptions
import dev.dbsql.core.InvalidHandleException
import dev.dbsql.core.NotFoundException
import dev.dbsql.core.ProtocolException
import dev.dbsql.core.ResultExpiredException
import dev.dbsql.core.SqlException
import dev.dbsql.core.StatementCanceledException
import dev.dbsql.core.StatementHandle
import dev.dbsql.core.StatementParameters
import dev.dbsql.core.StatementResult
import dev.dbsql.core.StatementState
import dev.dbsql.core.StatementStatus
import dev.dbsql.core.Submission
import io.ktor.http.HttpMethod
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.delay
import kotlinx.coroutines.withTimeoutOrNull
import kotlinx.serialization.SerializationException
import kotlinx.serialization.json.JsonPrimitive
import org.slf4j.LoggerFactory
import java.time.Instant
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/** The statement life cycle over [ApiTransport]. Runs in the caller's coroutine; stateless. */
internal class StatementRunner(
    private val client: DatabricksSqlClient,
    private val config: ClientConfig,
    private val transport: ApiTransport,
) {
    private val baseUrl = config.baseUrl

    suspend fun execute(sql: String, params: StatementParameters, options: ExecuteOptions, sessionId: String?): StatementResult {
        val (handle, first) = postOutlivingCaller(sql, params, options, sessionId, options.waitTimeout)
        return awaitResult(handle, first)
    }

    suspend fun submit(sql: String, params: StatementParameters, options: ExecuteOptions, sessionId: String?): StatementHandle =
        postOutlivingCaller(sql, params, options, sessionId, Duration.ZERO).first

    /** One execute request that waits up to [wait] on the server; the finished result or the running handle. */
    suspend fun submitWaiting(sql: String, wait: Duration, params: StatementParameters, options: ExecuteOptions, sessionId: String?): Submission {
        val waiting = options.copy(waitTimeout = wait)
        val (handle, first) = postOutlivingCaller(sql, params, waiting, sessionId, wait)
        val state = StatementState.of(first.status.state)
        return if (state.isTerminal) Submission.Finished(toResult(handle, first)) else Submission.Running(handle, state)
    }

    /**
     * The execute POST runs in the client's background scope ([PendingCancels]), not the caller's:
     * a caller cancelled while the server holds the POST (up to its `wait_timeout`) cannot name the
     * statement yet. The cancelled caller returns at once; the background scope waits for the POST's
     * answer and cancels the statement it names, also when the client is closed meanwhile (bounded
     * by [dev.dbsql.core.CancellationPolicy.closeBudget]).
     */
    private suspend fun postOutlivingCaller(
        sql: String,
        params: StatementParameters,
        options: ExecuteOptions,
        sessionId: String?,
        wait: Duration,
    ): Pair<StatementHandle, StatementResponseDto> {
        val request = client.pendingCancels.async { post(sql, params, options, sessionId, wait) }
        try {
            return request.await()
        } catch (e: CancellationException) {
            client.pendingCancels.launch {
                val handle = runCatching { request.await().first }.getOrNull() ?: return@launch
                log.debug("caller cancelled during the execute request: cancelling statement {}", handle.statementId)
                cancelAndConfirm(handle)
            }
            throw e
        }
    }

    suspend fun status(handle: StatementHandle): StatementStatus = toStatus(get(checked(handle)))

    suspend fun awaitResult(handle: StatementHandle, first: StatementResponseDto? = null): StatementResult {
        checked(handle)
        val runningSince = minOf(handle.submittedAt, Instant.now())
        var response: StatementResponseDto
        try {
            response = first ?: get(handle)
            while (!StatementState.of(response.status.state).isTerminal) {
                delay(pollInterval(java.time.Duration.between(runningSince, Instant.now()).toMillis().milliseconds))
                response = get(handle)
            }
        } catch (e: CancellationException) {
            client.pendingCancels.launch { cancelAndConfirm(handle) }
            throw e
        }
        return toResult(handle, response)
    }

    suspend fun cancel(handle: StatementHandle) {
        checked(handle)
        val id = handle.statementId
        transport.call(HttpMethod.Post, "$STATEMENTS/$id/cancel", "{}", CallInfo(CallKind.CANCEL, "cancel statement $id", id))
    }

    suspend fun close(handle: StatementHandle) {
        checked(handle)
        val id = handle.statementId
        try {
            transport.call(HttpMethod.Delete, "$STATEMENTS/$id", null, CallInfo(CallKind.CLOSE_STATEMENT, "close statement $id", id))
        } catch (e: NotFoundException) {
            log.debug("close of statement {}: already gone ({})", id, e.message)
        }
    }

    suspend fun get(handle: StatementHandle): StatementResponseDto {
        val id = handle.statementId
        val text = transport.call(HttpMethod.Get, "$STATEMENTS/$id", null, CallInfo(CallKind.STATUS, "get statement $id", id))
        return decode(text, id)
    }

    fun checked(handle: StatementHandle): StatementHandle {
        if (ClientConfig.normalizeHost(handle.host) != baseUrl || handle.warehouseId != config.warehouseId) {
            throw InvalidHandleException(
                "statement handle ${handle.statementId} belongs to ${handle.host} warehouse ${handle.warehouseId}, " +
                    "but this client is for $baseUrl warehouse ${config.warehouseId}",
                statementId = handle.statementId,
            )
        }
        return handle
    }

    private suspend fun post(
        sql: String,
        params: StatementParameters,
        options: ExecuteOptions,
        sessionId: String?,
        wait: Duration,
    ): Pair<StatementHandle, StatementResponseDto> {
        val effectiveWait = clampWait(wait)
        val request = ExecuteRequest(
            statement = sql,
            warehouseId = config.warehouseId,
            sessionId = sessionId,
            catalog = options.catalog ?: config.catalog.takeIf { sessionId == null },
            schema = options.schema ?: config.schema.takeIf { sessionId == null },
            parameters = params.list.takeIf { it.isNotEmpty() }?.map { ParameterDto(it.name, it.ordinal, it.value, it.type) },
            rowLimit = options.rowLimit,
            byteLimit = options.byteLimit,
            disposition = options.disposition.name,
            format = options.format.name,
            waitTimeout = "${effectiveWait.inWholeSeconds}s",
            onWaitTimeout = if (effectiveWait == Duration.ZERO) null else if (options.cancelOnWaitTimeout) "CANCEL" else "CONTINUE",
            resultCompression = options.compression.name,
            queryTags = options.queryTags.takeIf { it.isNotEmpty() }?.map { (k, v) -> QueryTagDto(k, v) },
            statementConf = options.conf.takeIf { it.isNotEmpty() }?.mapKeys { (k, _) -> k.lowercase() },
        )
        val submittedAt = Instant.now()
        val text = transport.call(
            HttpMethod.Post, STATEMENTS, ProtocolJson.encodeToString(ExecuteRequest.serializer(), request),
            CallInfo(CallKind.EXECUTE, "execute statement", null, sessionId),
        )
        val response = decode(text, null)
        log.debug("statement {} submitted: {}", response.statementId, response.status.state)
        return StatementHandle(baseUrl, config.warehouseId, response.statementId, submittedAt, options.tag) to response
    }

    /** The wait must end well before the request / socket timeouts, or the client would time out first. */
    private fun clampWait(wait: Duration): Duration {
        val limit = minOf(config.timeouts.request, config.timeouts.socket) - 5.seconds
        if (wait <= limit) return wait
        val clamped = limit.inWholeSeconds.seconds.let { if (it < 5.seconds) Duration.ZERO else it }
        log.debug("wait_timeout {} lowered to {} to stay under the client's timeouts", wait, clamped)
        return clamped
    }

    /** Sends the cancel and polls until a terminal state, at most [CANCEL_BUDGET]; for the background scope. */
    private suspend fun cancelAndConfirm(handle: StatementHandle) {
        val id = handle.statementId
        val finalState = withTimeoutOrNull(CANCEL_BUDGET) {
            runCatching { cancel(handle) }.onFailure { log.warn("cancel of statement {} failed: {}", id, it.message) }
            var interval = POLL_START
            var state: String? = null
            while (true) {
                state = runCatching { get(handle).status.state }.getOrNull()
                if (state == null || StatementState.of(state).isTerminal) break
                delay(interval)
                interval = (interval * POLL_FACTOR).coerceAtMost(POLL_MAX)
            }
            state
        }
        log.info("statement {} cancelled because its caller was cancelled; final state {}", id, finalState ?: "unknown (timed out)")
    }

    fun toResult(handle: StatementHandle, r: StatementResponseDto): StatementResult {
        val id = r.statementId
        val state = StatementState.of(r.status.state)
        return when {
            (state == StatementState.SUCCEEDED || state == StatementState.CLOSED) && r.manifest != null ->
                StatementResult(id, handle, Mapping.manifest(r.manifest, id, r.result), client, state, r.result?.let { Mapping.resultData(it, id) })
            state == StatementState.SUCCEEDED -> throw ProtocolException("statement $id SUCCEEDED without a result manifest", statementId = id)
            state == StatementState.CLOSED ->
                throw ResultExpiredException("statement $id is CLOSED: its result was released (closed, or older than the retention period)", id)
            state == StatementState.FAILED -> throw sqlFailure(r)
            state == StatementState.CANCELED ->
                throw StatementCanceledException("statement $id was canceled" + (r.status.error?.message?.let { ": ${it.trim()}" } ?: ""), id)
            else -> throw ProtocolException("statement $id is in state ${r.status.state}, not finished", statementId = id)
        }
    }

    private fun sqlFailure(r: StatementResponseDto): SqlException {
        val e = r.status.error
        val code = (e?.errorCode as? JsonPrimitive)?.content
        val text = e?.message?.trim()?.ifEmpty { null } ?: "no error message"
        val tail = listOfNotNull(r.status.sqlState?.let { "SQLSTATE $it" }, code).joinToString(", ")
        return SqlException("statement ${r.statementId} failed: $text" + (if (tail.isNotEmpty()) " [$tail]" else ""), r.statementId, r.status.sqlState, code)
    }

    private fun toStatus(r: StatementResponseDto) = StatementStatus(
        statementId = r.statementId,
        state = StatementState.of(r.status.state),
        stateName = r.status.state,
        sqlState = r.status.sqlState,
        errorCode = (r.status.error?.errorCode as? JsonPrimitive)?.content,
        errorMessage = r.status.error?.message?.trim(),
        hasResult = r.manifest != null,
    )

    /** A statement response body; anything that is not one is a [ProtocolException]. */
    fun decode(text: String, statementId: String?): StatementResponseDto = try {
        ProtocolJson.decodeFromString(StatementResponseDto.serializer(), text)
    } catch (e: SerializationException) {
        throw ProtocolException("malformed statement response: ${e.message}", e, statementId)
    } catch (e: IllegalArgumentException) {
        throw ProtocolException("malformed statement response: ${e.message}", e, statementId)
    }

    companion object {
        const val STATEMENTS = "/api/2.0/sql/statements"

        /**
         * The wait before the next status poll of a statement submitted [elapsed] ago: 2 % of it,
         * between [AWAIT_POLL_MIN] and [POLL_MAX]. Completion is so noticed within about 2 % of a
         * statement's run time (25 ms for anything under 1.25 s), at a request rate that falls as the
         * statement runs longer (a one-hour statement costs about 3,700 polls, each ≤ 1 s apart).
         */
        fun pollInterval(elapsed: Duration): Duration = (elapsed / 50).coerceIn(AWAIT_POLL_MIN, POLL_MAX)

        val AWAIT_POLL_MIN = 25.milliseconds
        val POLL_START = 10.milliseconds
        const val POLL_FACTOR = 1.5
        val POLL_MAX = 1.seconds
        val CANCEL_BUDGET = 10.seconds
        private val log = LoggerFactory.getLogger("dev.dbsql.core.statements")
    }
}
