package dev.dbsql.flow.internal.source

import java.net.URI

/** Checks and shows download URLs: only http(s) is fetched, and a URL is shown without its query (its signature). */
internal object LinkUrls {
    /** [url] as `scheme://host[:port]/path`, for messages; never the query, fragment or user information. */
    fun redact(url: String): String {
        val scheme = url.substringBefore("://", "").take(16)
        val rest = url.substringAfter("://")
        val authority = rest.takeWhile { it != '/' && it != '?' && it != '#' }.substringAfterLast('@')
        val path = rest.dropWhile { it != '/' && it != '?' && it != '#' }.takeWhile { it != '?' && it != '#' }
        return ((if (scheme.isEmpty()) "" else "$scheme://") + authority + path).take(300)
    }

    /** Every occurrence of [url] (and its query-less form) in [text] redacted. */
    fun scrub(text: String, vararg urls: String): String {
        var out = text
        for (u in urls) {
            if (u.isEmpty()) continue
            out = out.replace(u, redact(u))
            val query = u.substringAfter('?', "")
            if (query.isNotEmpty()) out = out.replace(query, "***")
        }
        return out
    }

    /** The parsed URL when it is absolute http(s) with a host; null otherwise. */
    fun httpUri(url: String): URI? {
        val uri = runCatching { URI(url) }.getOrNull() ?: return null
        val scheme = uri.scheme?.lowercase() ?: return null
        if (scheme != "http" && scheme != "https") return null
        if (uri.host.isNullOrEmpty()) return null
        return uri
    }

    /** Scheme, host and port of [uri], to tell whether a redirect changes hosts. */
    fun origin(uri: URI): String {
        val scheme = uri.scheme.lowercase()
        val port = if (uri.port >= 0) uri.port else if (scheme == "https") 443 else 80
        return "$scheme://${uri.host.lowercase()}:$port"
    }
}
