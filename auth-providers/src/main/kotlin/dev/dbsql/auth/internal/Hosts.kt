package dev.dbsql.auth.internal

import dev.dbsql.auth.CredentialsException

/**
 * Normalises a workspace host: adds `https://` when no scheme is given and removes trailing
 * slashes. `my.cloud.databricks.com/` becomes `https://my.cloud.databricks.com`.
 */
internal fun normalizeHost(host: String, source: String): String {
    val trimmed = host.trim()
    if (trimmed.isEmpty()) throw CredentialsException("$source: host is empty")
    val withScheme = if (trimmed.contains("://")) trimmed else "https://$trimmed"
    val scheme = withScheme.substringBefore("://").lowercase()
    if (scheme != "https" && scheme != "http") {
        throw CredentialsException("$source: host '$trimmed' must use http or https")
    }
    val result = withScheme.trimEnd('/')
    if (result.substringAfter("://").isEmpty()) throw CredentialsException("$source: host '$trimmed' has no name")
    return result
}
