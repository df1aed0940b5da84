package dev.dbsql.flow

import dev.dbsql.core.NonTransientDatabricksSqlException
import dev.dbsql.core.TransientDatabricksSqlException

/**
 * The result holds fewer (or other) rows than the server promised: the manifest says `truncated`
 * (a row or byte limit, or the server's cap, cut it), its counts disagree with each other, or a
 * chunk kept holding a different number of rows than the manifest lists after every retry.
 * Set [ResultOptions.allowTruncated] to read such a result anyway.
 *
 * @property chunkIndex the chunk that did not match, or null for a whole-result problem.
 * @property expectedRows rows promised (by the manifest), when known.
 * @property actualRows rows found, when known.
 */
public class IncompleteResultException(
    message: String,
    statementId: String?,
    public val chunkIndex: Int? = null,
    public val expectedRows: Long? = null,
    public val actualRows: Long? = null,
) : NonTransientDatabricksSqlException(message, null, statementId)

/**
 * A chunk could not be downloaded within the retry budget ([ResultOptions.maxAttempts] attempts
 * and [ResultOptions.maxLinkRefreshes] link refreshes). Transient: collecting again later, or
 * resuming at [chunkIndex] (see [ResultProgress]), may succeed. [cause] is the last failure.
 *
 * @property downloadAttempts how many times the chunk was tried.
 */
public class ChunkDownloadException(
    message: String,
    cause: Throwable?,
    statementId: String?,
    public val chunkIndex: Int,
    public val downloadAttempts: Int,
) : TransientDatabricksSqlException(message, cause, statementId, retryable = false)

/**
 * The stream's allocator ran out: batches the consumer keeps open (not yet closed) plus chunks in
 * flight need more than [ResultOptions.memoryBudgetBytes] plus the slack, or one chunk alone is
 * larger than that. Close each [RecordBatch] after use, or raise the budget.
 */
public class ResultMemoryException(message: String, cause: Throwable?, statementId: String?) :
    NonTransientDatabricksSqlException(message, cause, statementId)

/** The result comes in a form this SDK cannot read (e.g. `CSV`); ask for `ARROW_STREAM` or `JSON_ARRAY`. */
public class UnsupportedResultFormatException(message: String, statementId: String?) :
    NonTransientDatabricksSqlException(message, null, statementId)
