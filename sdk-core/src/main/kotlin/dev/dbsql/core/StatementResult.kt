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
) {
    /** Releases the result on the server (`DELETE statements/{id}`); see [DatabricksSqlClient.close]. */
    public suspend fun close() {
        client.close(handle)
    }

    override fun toString(): String =
        "StatementResult(statementId=$statementId, state=$state, format=${manifest.format}, rows=${manifest.totalRowCount}, " +
            "chunks=${manifest.totalChunkCount}, compression=${manifest.compression}, truncated=${manifest.truncated})"

    internal companion object {
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
