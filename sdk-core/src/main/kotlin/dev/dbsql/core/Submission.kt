package dev.dbsql.core

/**
 * What a hybrid [DatabricksSqlClient.submit] (one with a `waitTimeout`) returns: either the
 * statement finished within the wait ([Finished], with its result: a short statement cost one
 * round trip) or it still runs ([Running], with its handle to save, poll, [DatabricksSqlClient.await]
 * or cancel; the caller was never blocked longer than the wait).
 *
 * A statement that failed or was cancelled within the wait is not a [Submission]: the call throws
 * like `execute` ([SqlException], [StatementCanceledException]). Immutable; thread-safe. Holds no
 * connection or buffer.
 */
public sealed class Submission {
    /** The statement, finished or not; save [StatementHandle.toJson] to resume it anywhere. */
    public abstract val handle: StatementHandle

    /** True for [Finished]. */
    public abstract val isFinished: Boolean

    /** The statement finished (SUCCEEDED) within the wait; [result] is what `execute` would have returned. */
    public class Finished internal constructor(public val result: StatementResult) : Submission() {
        override val handle: StatementHandle get() = result.handle
        override val isFinished: Boolean get() = true
        override fun toString(): String = "Submission.Finished($result)"
    }

    /** The statement was still [state] (PENDING or RUNNING) when the wait ended. */
    public class Running internal constructor(
        override val handle: StatementHandle,
        public val state: StatementState,
    ) : Submission() {
        override val isFinished: Boolean get() = false
        override fun toString(): String = "Submission.Running(${handle.statementId}, $state)"
    }
}
