@file:JvmName("Seam")

package dev.dbsql.core.internal

import dev.dbsql.core.DatabricksSqlClient
import dev.dbsql.core.ProtocolException
import dev.dbsql.core.RetryStrategy
import dev.dbsql.core.StatementHandle
import dev.dbsql.core.StatementResult
import dev.dbsql.core.internal.CallInfo
import dev.dbsql.core.internal.CallKind
import dev.dbsql.core.internal.Mapping
import dev.dbsql.core.internal.ProtocolJson
import dev.dbsql.core.internal.ResultDataDto
import io.ktor.client.HttpClient
import io.ktor.http.HttpMethod
import kotlinx.coroutines.CoroutineScope
import kotlinx.serialization.SerializationException

/*
 * What the project's result-reading modules need from the core. Not for applications.
 */

/** The `result` that came with the response that finished the statement (null when there was none). */
@DbsqlInternalApi
public val StatementResult.initialResultData: ResultData? get() = initialData

/**
 * The `timezone` the caller's session or statement configuration set for this result, or null.
 * A JSON_ARRAY result carries only offsets in its text; this names the zone they belong to.
 */
@DbsqlInternalApi
public val StatementResult.configuredTimeZone: String? get() = confTimeZone

/**
 * `GET statements/{statementId}/result/chunks/{chunkIndex}`, retried like every idempotent call.
 * For external links this is also how a link is refreshed: each call returns fresh links.
 * Runs in the caller's coroutine.
 *
 * @throws dev.dbsql.core.ResultExpiredException (a [dev.dbsql.core.NotFoundException]) when the
 *   result or chunk is gone.
 */
@DbsqlInternalApi
public suspend fun DatabricksSqlClient.fetchResultData(statementId: String, chunkIndex: Int): ResultData {
    val text = inClientScope {
        transport.call(
            HttpMethod.Get, "/api/2.0/sql/statements/$statementId/result/chunks/$chunkIndex", null,
            CallInfo(CallKind.CHUNK, "fetch chunk $chunkIndex of statement $statementId", statementId),
        )
    }
    val dto = try {
        ProtocolJson.decodeFromString(ResultDataDto.serializer(), text)
    } catch (e: SerializationException) {
        throw ProtocolException("malformed result chunk $chunkIndex: ${e.message}", e, statementId)
    }
    return Mapping.resultData(dto, statementId)
}

/**
 * The client for external-link downloads from [host] (a link's host, or a redirect's): the
 * download transport's settings (`ClientConfig.downloads`, defaulting to the API's TLS, proxy and
 * timeouts; the no-proxy list matched against [host]) and the API's User-Agent, but it never sends
 * the workspace `Authorization` header. Owned and closed by the client.
 */
@DbsqlInternalApi
public fun DatabricksSqlClient.downloadHttpClient(host: String): HttpClient = downloads.forHost(host)

/** `ClientConfig.downloads.maxConcurrency`: the cap on one stream's downloads in flight (null: none). */
@DbsqlInternalApi
public val DatabricksSqlClient.downloadConcurrencyCap: Int? get() = config.downloads.maxConcurrency

/** The client's retry strategy, for retrying downloads the same way as API calls. */
@DbsqlInternalApi
public val DatabricksSqlClient.retryStrategy: RetryStrategy get() = retry

/**
 * The client's scope (a `SupervisorJob` cancelled by [DatabricksSqlClient.close]): background work
 * tied to the client (download pipelines) is launched in it so that closing the client stops it.
 */
@DbsqlInternalApi
public val DatabricksSqlClient.clientScope: CoroutineScope get() = scope

/**
 * The result of the statement behind [handle], for resuming it (e.g. in another process): waits
 * until the statement finished (like [DatabricksSqlClient.await]) and returns its result.
 */
@DbsqlInternalApi
public suspend fun DatabricksSqlClient.resultOf(handle: StatementHandle): StatementResult = await(handle)
