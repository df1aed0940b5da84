package dev.dbsql.core

import dev.dbsql.core.internal.ResultData

/**
 * A finished statement whose result can be read (state SUCCEEDED, or CLOSED with direct results).
 * It holds the [manifest] and the first piece of data the server sent with it; reading rows is
 * the job of the results module (`batches()`), which fetches further chunks through [client].
 *
 * Holds no connection or buffer: dropping it releases nothing. The server keeps the result for
 * about an hour after success unless [close] releases it earlier. Immutable; thread-safe.
 */
public class StatementResult private constructor(
    public val statementId: String,
    public val handle: StatementHandle,
    public val manifest: ResultManifest,
    public val client: DatabricksSqlClient,
    /** SUCCEEDED, or CLOSED when the server answered with direct results. */
    public val state: StatementState,
    internal val initialData: ResultData?,
    /** The `timezone` the session or statement configuration set, when the caller set one (JSON results name their zone by it). */
    internal val confTimeZone: String? = null,
) {
    /** Releases the result on the server (`DELETE statements/{id}`); see [DatabricksSqlClient.close]. */
    public suspend fun close() {
        client.close(handle)
    }

    override fun toString(): String =
        "StatementResult(statementId=$statementId, state=$state, format=${manifest.format}, rows=${manifest.totalRowCount}, " +
            "chunks=${manifest.totalChunkCount}, compression=${manifest.compression}, truncated=${manifest.truncated})"

    /** This result, naming [zone] as its session time zone (unchanged when [zone] is null). */
    internal fun withConfTimeZone(zone: String?): StatementResult =
        if (zone == null || zone == confTimeZone) this else StatementResult(statementId, handle, manifest, client, state, initialData, zone)

    internal companion object {
        /** The `timezone` key of a session or statement configuration (keys are case-insensitive). */
        internal fun timeZoneOf(conf: Map<String, String>): String? =
            conf.entries.firstOrNull { it.key.equals("timezone", ignoreCase = true) }?.value?.takeIf { it.isNotBlank() }

        /** A finished statement's result. Not for Java. */
        @JvmSynthetic
        internal operator fun invoke(
            statementId: String,
            handle: StatementHandle,
            manifest: ResultManifest,
            client: DatabricksSqlClient,
            state: StatementState,
            initialData: ResultData?,
        ): StatementResult = StatementResult(statementId, handle, manifest, client, state, initialData)
    }
}
