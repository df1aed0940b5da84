package dev.dbsql.warehouse.oauth

import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.atomic.AtomicInteger

/**
 * What the OAuth endpoints have seen, for tests: token requests by `grant_type` (as sent, `""` when
 * absent), access tokens issued by grant type, and authorize requests. Thread-safe.
 */
class OAuthCounters {
    private val requests = ConcurrentHashMap<String, AtomicInteger>()
    private val issued = ConcurrentHashMap<String, AtomicInteger>()
    private val authorize = AtomicInteger()

    /** Token requests with this `grant_type`, whatever their outcome. */
    fun tokenRequests(grantType: String): Int = requests[grantType]?.get() ?: 0

    /** All token requests. */
    val tokenRequestsTotal: Int get() = requests.values.sumOf { it.get() }

    /** Access tokens issued for this grant type. */
    fun tokensIssued(grantType: String): Int = issued[grantType]?.get() ?: 0

    /** Requests to the authorize endpoint, whatever their outcome. */
    val authorizeRequests: Int get() = authorize.get()

    fun reset() {
        requests.clear()
        issued.clear()
        authorize.set(0)
    }

    internal fun tokenRequested(grantType: String) {
        requests.computeIfAbsent(grantType) { AtomicInteger() }.incrementAndGet()
    }

    internal fun tokenIssued(grantType: String) {
        issued.computeIfAbsent(grantType) { AtomicInteger() }.incrementAndGet()
    }

    internal fun authorizeRequested() {
        authorize.incrementAndGet()
    }

    override fun toString(): String =
        "OAuthCounters(tokenRequests=${requests.mapValues { it.value.get() }}, authorizeRequests=${authorize.get()})"
}
