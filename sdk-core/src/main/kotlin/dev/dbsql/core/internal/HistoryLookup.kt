package dev.dbsql.core.internal

import dev.dbsql.core.ClientConfig
import dev.dbsql.core.ProtocolException
import io.ktor.http.HttpMethod
import kotlinx.serialization.SerialName
import kotlinx.serialization.Serializable
import kotlinx.serialization.SerializationException
import java.time.Instant

/**
 * Finds a statement by a marker in its text through Query History (`GET /api/2.0/sql/history/queries`,
 * protocol §16.2), filtered by this client's warehouse and a start-time range; at most [MAX_PAGES]
 * pages of 100 are read. Runs in the caller's coroutine.
 */
internal class HistoryLookup(private val config: ClientConfig, private val transport: ApiTransport) {
    @Serializable
    private data class Page(
        val res: List<Info> = emptyList(),
        @SerialName("next_page_token") val nextPageToken: String? = null,
        @SerialName("has_next_page") val hasNextPage: Boolean = false,
    )

    @Serializable
    private data class Info(
        @SerialName("query_id") val queryId: String,
        @SerialName("query_text") val queryText: String? = null,
        val status: String? = null,
    )

    /** One statement of Query History: its id and status (`QUEUED`, `RUNNING`, `FINISHED`, …). */
    data class Found(val statementId: String, val status: String?)

    /** The id of the statement started in [from]..[to] whose text contains [marker], or null. */
    suspend fun find(marker: String, from: Instant, to: Instant): String? {
        var hit: String? = null
        scan(from, to) { page -> page.firstOrNull { it.queryText?.contains(marker) == true }?.let { hit = it.queryId } != null }
        return hit
    }

    /** Every statement started in [from]..[to] whose text contains [marker] (within [MAX_PAGES] pages). */
    suspend fun findAll(marker: String, from: Instant, to: Instant): List<Found> {
        val hits = LinkedHashMap<String, Found>()
        scan(from, to) { page ->
            page.filter { it.queryText?.contains(marker) == true }.forEach { hits.putIfAbsent(it.queryId, Found(it.queryId, it.status)) }
            false
        }
        return hits.values.toList()
    }

    /** Reads pages until [stop] says so, the pages run out or [MAX_PAGES] were read. */
    private suspend fun scan(from: Instant, to: Instant, stop: (List<Info>) -> Boolean) {
        var token: String? = null
        repeat(MAX_PAGES) {
            val query = buildMap {
                put("filter_by.warehouse_ids", config.warehouseId)
                put("filter_by.query_start_time_range.start_time_ms", from.toEpochMilli().toString())
                put("filter_by.query_start_time_range.end_time_ms", to.toEpochMilli().toString())
                put("max_results", "100")
                token?.let { put("page_token", it) }
            }
            val text = transport.call(HttpMethod.Get, PATH, null, CallInfo(CallKind.HISTORY, "query history lookup"), query)
            val page = try {
                ProtocolJson.decodeFromString(Page.serializer(), text)
            } catch (e: SerializationException) {
                throw ProtocolException("malformed query history response: ${e.message}", e)
            } catch (e: IllegalArgumentException) {
                throw ProtocolException("malformed query history response: ${e.message}", e)
            }
            if (stop(page.res)) return
            token = page.nextPageToken?.takeIf { page.hasNextPage && it.length <= 1_000 } ?: return
        }
    }

    companion object {
        const val PATH = "/api/2.0/sql/history/queries"
        const val MAX_PAGES = 20
    }
}
