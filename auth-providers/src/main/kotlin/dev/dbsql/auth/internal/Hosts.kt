package dev.dbsql.auth.internal

import dev.dbsql.auth.CredentialsConfigurationException
import dev.dbsql.auth.CredentialsException
import java.net.InetAddress
import java.net.URI

/**
 * Normalises a workspace host: adds `https://` when no scheme is given and removes trailing
 * slashes. `my.cloud.databricks.com/` becomes `https://my.cloud.databricks.com`. A host with user
 * information (`https://user:pw@host`) is refused, and messages never repeat that part.
 */
internal fun normalizeHost(host: String, source: String): String {
    val trimmed = host.trim()
    if (trimmed.isEmpty()) throw CredentialsException("$source: host is empty")
    val withScheme = if (trimmed.contains("://")) trimmed else "https://$trimmed"
    val shown = redactUrl(withScheme)
    if (hasUserInfo(withScheme)) {
        throw CredentialsException("$source: host '$shown' must not contain a user name or password; give credentials separately")
    }
    val scheme = withScheme.substringBefore("://").lowercase()
    if (scheme != "https" && scheme != "http") {
        throw CredentialsException("$source: host '$shown' must use http or https")
    }
    val result = withScheme.trimEnd('/')
    if (result.substringAfter("://").isEmpty()) throw CredentialsException("$source: host '$shown' has no name")
    return result
}

/** True when the authority of [url] (the part after `://`, up to the first `/`, `?` or `#`) holds an `@`. */
internal fun hasUserInfo(url: String): Boolean = authority(url).contains('@')

private fun authority(url: String): String =
    url.substringAfter("://", url).takeWhile { it != '/' && it != '?' && it != '#' }

/**
 * [url] as `scheme://host[:port]/path`: user information, query and fragment removed, for messages
 * and logs. Text that is not a URL is cut to its first 200 characters.
 */
internal fun redactUrl(url: String): String {
    val hasScheme = url.contains("://")
    val scheme = if (hasScheme) url.substringBefore("://") + "://" else ""
    val rest = if (hasScheme) url.substringAfter("://") else url
    val auth = rest.takeWhile { it != '/' && it != '?' && it != '#' }
    val path = rest.substring(auth.length).takeWhile { it != '?' && it != '#' }
    return (scheme + auth.substringAfterLast('@') + path).take(200)
}

/** True for `localhost` and loopback IP literals (`127.x.x.x`, `::1`); names are not resolved. */
internal fun isLoopbackHost(name: String): Boolean {
    val n = name.removePrefix("[").removeSuffix("]").lowercase()
    if (n == "localhost") return true
    val literal = n.isNotEmpty() && (n.all { it.isDigit() || it == '.' } || n.contains(':'))
    return literal && runCatching { InetAddress.getByName(n).isLoopbackAddress }.getOrDefault(false)
}

/** Host name and effective port of a URL: the origin a credential is bound to. */
internal data class Origin(val host: String, val port: Int) {
    override fun toString(): String = "$host:$port"

    companion object {
        /** The origin of [url] (a missing scheme means https), or null when it has none. */
        fun of(url: String): Origin? {
            val withScheme = if (url.contains("://")) url else "https://$url"
            val uri = runCatching { URI(withScheme.trim()) }.getOrNull() ?: return null
            val host = uri.host?.lowercase()?.removePrefix("[")?.removeSuffix("]") ?: return null
            val port = when {
                uri.port >= 0 -> uri.port
                uri.scheme.equals("https", ignoreCase = true) -> 443
                uri.scheme.equals("http", ignoreCase = true) -> 80
                else -> return null
            }
            return Origin(host, port)
        }
    }
}

/**
 * Where an OAuth provider may send its client secret, codes and refresh tokens: the workspace
 * [workspaceHost] and the hosts the user configured explicitly ([trustedHosts]: `name`,
 * `name:port` or a URL). An endpoint must be https, or plain http on a loopback host.
 */
internal class EndpointPolicy(workspaceHost: String, trustedHosts: Collection<String>) {
    private val allowed: Set<Origin> = buildSet {
        Origin.of(workspaceHost)?.let(::add)
        trustedHosts.forEach { entry ->
            add(
                Origin.of(entry.trim().trimEnd('/'))
                    ?: throw CredentialsConfigurationException("oauthHosts", "'${redactUrl(entry)}' is not a host name or URL"),
            )
        }
    }

    /** Returns [endpoint] when it may receive credentials; otherwise throws naming [field] and the endpoint. */
    fun check(field: String, endpoint: String, source: String): String {
        val shown = redactUrl(endpoint)
        val uri = runCatching { URI(endpoint.trim()) }.getOrNull()
        val scheme = uri?.scheme?.lowercase()
        val host = uri?.host
        if (uri == null || host == null || (scheme != "https" && scheme != "http")) {
            throw CredentialsConfigurationException(field, "$source names '$shown', which is not an http(s) URL; nothing was sent to it")
        }
        if (uri.rawUserInfo != null) {
            throw CredentialsConfigurationException(field, "$source names an endpoint with user information ('$shown'); nothing was sent to it")
        }
        if (scheme == "http" && !isLoopbackHost(host)) {
            throw CredentialsConfigurationException(field, "$source names '$shown' over plain http; only https is accepted (http only on loopback); nothing was sent to it")
        }
        val origin = Origin.of(endpoint)
        if (origin == null || origin !in allowed) {
            throw CredentialsConfigurationException(
                field,
                "$source names '$shown', which is neither the workspace host nor a configured OAuth host " +
                    "(${allowed.joinToString()}); nothing was sent to it. Add its host to oauthHosts if it is trusted",
            )
        }
        return endpoint
    }
}
