package dev.dbsql.core.lifecycle

import dev.dbsql.core.internal.InstantIsoSerializer
import kotlinx.serialization.SerialName
import kotlinx.serialization.Serializable
import java.time.Instant

/**
 * One submission as the journal records it **before** its execute request is sent.
 *
 * @property requestId the client request id: sent as the query tag [ExactlyOnceSubmitter.REQUEST_ID_TAG]
 *   and as a leading SQL comment, so the statement can be found in Query History without its id.
 * @property sql the statement text as sent (comment included).
 * @property statementId null until acknowledged (the server's statement id became known).
 * @property hasParameters the statement had parameters (the journal does not keep them, so it is
 *   not resubmitted by recovery).
 */
@Serializable
public data class JournalEntry(
    @SerialName("request_id") val requestId: String,
    @SerialName("host") val host: String,
    @SerialName("warehouse_id") val warehouseId: String,
    @SerialName("sql") val sql: String,
    @Serializable(with = InstantIsoSerializer::class)
    @SerialName("submitted_at") val submittedAt: Instant,
    @SerialName("statement_id") val statementId: String? = null,
    @SerialName("has_parameters") val hasParameters: Boolean = false,
)

/**
 * Where [ExactlyOnceSubmitter] writes its submissions: [record] before the execute request,
 * [acknowledge] once the statement id is known. An entry never acknowledged (a lost answer, a
 * crashed process) is what [ExactlyOnceSubmitter.recover] looks up after a restart.
 *
 * Implementations must be durable when [record] returns (the guarantee rests on it) and safe for
 * concurrent calls. Calls suspend; implementations do blocking I/O on a dispatcher of their own
 * (e.g. `Dispatchers.IO`), never on the caller's thread. [FileSubmissionJournal] is the default.
 */
public interface SubmissionJournal {
    /** Records [entry] durably; the execute request is sent only after this returns. */
    public suspend fun record(entry: JournalEntry)

    /** Marks the entry of [requestId] as acknowledged: its statement is [statementId]. */
    public suspend fun acknowledge(requestId: String, statementId: String)

    /** The entries not acknowledged yet, oldest first. */
    public suspend fun unacknowledged(): List<JournalEntry>
}
