package dev.dbsql.cli

import dev.dbsql.auth.CredentialsException
import dev.dbsql.core.AuthenticationException
import dev.dbsql.core.ConfigurationException
import dev.dbsql.core.DatabricksSqlException
import dev.dbsql.core.InvalidHandleException
import dev.dbsql.core.PermissionDeniedException
import dev.dbsql.core.SqlException
import dev.dbsql.core.StatementCanceledException

/** An error's text for the user, saying each thing once: the message, then SQLSTATE and statement ID if not in it already. */
object ErrorText {
    private val failedPrefix = Regex("""^statement \S+ failed:\s*""")
    private val bracketState = Regex("""\s*\[SQLSTATE [0-9A-Z]{5}(, [A-Z_]+)?]""")
    private val trailingState = Regex("""\s*SQLSTATE:\s*[0-9A-Z]{5}\s*$""")

    fun of(e: Exception): String {
        val message = e.message?.trim()?.ifEmpty { null } ?: e.javaClass.simpleName
        if (e !is DatabricksSqlException) return message
        var text = message
        if (e.statementId != null) text = text.replace(failedPrefix, "")
        if (e.sqlState != null) text = text.replace(bracketState, "").replace(trailingState, "").trim()
        val detail = listOfNotNull(
            e.sqlState?.takeIf { !text.contains(it) }?.let { "SQLSTATE $it" },
            e.statementId?.takeIf { !text.contains(it) }?.let { "statement $it" },
        )
        return text + if (detail.isEmpty()) "" else " (${detail.joinToString(", ")})"
    }

    /** The exit code for [e] and the one line that reports it: `dbsql: KIND: message (SQLSTATE X, statement ID)`. */
    fun failure(e: Exception): Pair<Int, String> {
        val (code, kind) = when (e) {
            is SqlException -> ExitCode.SQL_ERROR to "SQL error"
            is AuthenticationException, is PermissionDeniedException, is CredentialsException -> ExitCode.AUTH to "authentication failed"
            is StatementCanceledException -> ExitCode.CANCELED to "statement canceled"
            is InvalidHandleException -> ExitCode.USAGE to "bad handle"
            is ConfigurationException -> ExitCode.USAGE to "bad configuration"
            else -> ExitCode.OTHER to "error"
        }
        return code to "dbsql: $kind: ${of(e)}"
    }
}
