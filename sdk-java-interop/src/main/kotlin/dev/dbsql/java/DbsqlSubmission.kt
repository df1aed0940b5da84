package dev.dbsql.java

import dev.dbsql.core.StatementHandle
import dev.dbsql.core.StatementState
import dev.dbsql.core.Submission
import dev.dbsql.java.internal.Bridge

/**
 * What [DbsqlClient.submit] with a wait completes with: the statement finished within the wait
 * ([isFinished], [result]) or still runs ([handle] to save, [DbsqlClient.await] or cancel).
 * Immutable; thread-safe; holds no connection or buffer.
 */
public class DbsqlSubmission internal constructor(private val bridge: Bridge, private val submission: Submission) {
    /** True when the statement finished (SUCCEEDED) within the wait. */
    public val isFinished: Boolean get() = submission.isFinished

    /** The statement, finished or not. */
    @get:JvmName("handle")
    public val handle: StatementHandle get() = submission.handle

    /** SUCCEEDED when finished, else the state when the wait ended (PENDING or RUNNING). */
    @get:JvmName("state")
    public val state: StatementState
        get() = when (submission) {
            is Submission.Finished -> submission.result.state
            is Submission.Running -> submission.state
        }

    /**
     * The result of a finished statement.
     * @throws IllegalStateException when the statement is still running ([isFinished] is false).
     */
    public fun result(): DbsqlResult = when (submission) {
        is Submission.Finished -> DbsqlResult(bridge, submission.result)
        is Submission.Running -> throw IllegalStateException("statement ${submission.handle.statementId} is still ${submission.state}: await it")
    }

    override fun toString(): String = submission.toString()
}
