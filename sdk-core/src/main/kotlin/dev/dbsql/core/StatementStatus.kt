package dev.dbsql.core

/** The life-cycle state of a statement on the warehouse. */
public enum class StatementState {
    PENDING, RUNNING, SUCCEEDED, FAILED, CANCELED, CLOSED,

    /** A state this SDK does not know (a newer server); see [StatementStatus.stateName]. */
    UNKNOWN;

    /** True for states a statement never leaves on its own. */
    public val isTerminal: Boolean get() = this == SUCCEEDED || this == FAILED || this == CANCELED || this == CLOSED

    public companion object {
        internal fun of(name: String): StatementState = entries.firstOrNull { it.name == name && it != UNKNOWN } ?: UNKNOWN
    }
}

/**
 * A snapshot of a statement's state, as returned by [DatabricksSqlClient.status]. Failure details
 * are filled for [StatementState.FAILED] (and sometimes [StatementState.CANCELED]).
 *
 * @property stateName the state exactly as the server sent it (useful when [state] is UNKNOWN).
 * @property hasResult true when the server sent a result manifest (SUCCEEDED, or CLOSED with direct results).
 */
public data class StatementStatus(
    val statementId: String,
    val state: StatementState,
    val stateName: String,
    val sqlState: String?,
    val errorCode: String?,
    val errorMessage: String?,
    val hasResult: Boolean,
)
