package dev.dbsql.flow.internal.source

import io.ktor.http.URLBuilder
import io.ktor.http.Url
import io.ktor.http.takeFrom

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

    private val SCHEME = Regex("^([A-Za-z][A-Za-z0-9+.-]*):")

    /** The URL's scheme in lower case, or null when it has none (a relative reference). */
    fun scheme(url: String): String? = SCHEME.find(url.trim())?.groupValues?.get(1)?.lowercase()

    /** The parsed URL when it is absolute http(s) with a host; null otherwise. */
    fun httpUrl(url: String): Url? {
        val scheme = scheme(url)
        if (scheme != "http" && scheme != "https") return null
        val parsed = runCatching { Url(url.trim()) }.getOrNull() ?: return null
        return parsed.takeIf { it.protocol.name == scheme && it.host.isNotEmpty() }
    }

    /** [location] (absolute or relative) resolved against [base]; null when the target is not http(s). */
    fun resolve(base: Url, location: String): Url? {
        val scheme = scheme(location)
        if (scheme != null && scheme != "http" && scheme != "https") return null
        val resolved = runCatching { URLBuilder(base).takeFrom(location.trim()).build() }.getOrNull() ?: return null
        return resolved.takeIf { (it.protocol.name == "http" || it.protocol.name == "https") && it.host.isNotEmpty() }
    }

    /** Scheme, host and port of [url], to tell whether a redirect changes hosts. */
    fun origin(url: Url): String = "${url.protocol.name}://${url.host.lowercase()}:${url.port}"
}
