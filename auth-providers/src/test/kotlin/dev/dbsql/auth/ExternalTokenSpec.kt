package dev.dbsql.auth

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.ints.shouldBeGreaterThanOrEqual
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlinx.coroutines.delay
import java.time.Duration
import java.time.Instant
import java.util.UUID
import java.util.concurrent.atomic.AtomicInteger

class ExternalTokenSpec : FunSpec({
    val warehouse = startWarehouse()
    val http = testHttpClient()
    afterSpec {
        http.close()
        warehouse.close()
    }

    test("a String callback authenticates; its token is reused until invalidated") {
        val calls = AtomicInteger()
        ExternalTokenProvider.ofString { calls.incrementAndGet(); warehouse.token }.use { p ->
            repeat(5) { http.selectOne(warehouse, p.token()) shouldBe "SUCCEEDED" }
            calls.get() shouldBe 1
            p.invalidate(p.token())
            p.token()
            calls.get() shouldBe 2
        }
    }

    test("tokens with an expiry are refreshed before they expire") {
        // The provider's clock is moved by hand, so "stale" and "expired" are events, not races with
        // a loaded machine; the server accepts each token for an hour.
        val clock = HandClock()
        val calls = AtomicInteger()
        val provider = ExternalTokenProvider(name = "broker", clock = clock) {
            calls.incrementAndGet()
            val value = "ext-" + UUID.randomUUID()
            warehouse.tokens.addExpiring(value, "broker-user", Duration.ofHours(1))
            AccessToken(value, clock.instant().plus(Duration.ofMinutes(10)))
        }
        provider.use { p ->
            var current = p.token()
            http.selectOne(warehouse, current) shouldBe "SUCCEEDED"
            p.token().value shouldBe current.value
            calls.get() shouldBe 1
            repeat(2) { round ->
                // Inside the stale window (the last 10 %), before the expiry.
                clock.advance(Duration.ofMinutes(9).plusSeconds(30))
                p.token().value shouldBe current.value
                val deadline = System.nanoTime() + 30_000_000_000L // hang guard only
                while (calls.get() < round + 2) {
                    check(System.nanoTime() < deadline) { "no background refresh started" }
                    delay(10)
                }
                var next = p.token()
                while (next.value == current.value) {
                    check(System.nanoTime() < deadline) { "the refreshed token never replaced the stale one" }
                    delay(10)
                    next = p.token()
                }
                clock.instant().isBefore(current.expiresAt!!) shouldBe true
                current = next
                http.selectOne(warehouse, current) shouldBe "SUCCEEDED"
            }
            calls.get() shouldBeGreaterThanOrEqual 3
            p.name shouldBe "broker"
        }
    }

    test("a failing callback gives a CredentialsException with the cause; an empty token is refused") {
        ExternalTokenProvider { throw java.io.IOException("vault unreachable") }.use { p ->
            val e = shouldThrow<CredentialsException> { p.token() }
            e.message!! shouldContain "token callback 'external' failed: vault unreachable"
            generateSequence(e.cause) { it.cause }.any { it is java.io.IOException } shouldBe true
        }
        ExternalTokenProvider.ofString { "" }.use { p ->
            shouldThrow<CredentialsException> { p.token() }.message!! shouldContain "empty token"
        }
    }

    test("the factory wraps AuthConfig.External") {
        val config = AuthConfig.External("cb") { AccessToken(warehouse.token) }
        val p = CredentialsFactory.create(config, warehouse.baseUrl)
        p.name shouldBe "cb"
        http.selectOne(warehouse, p.token()) shouldBe "SUCCEEDED"
        (p as AutoCloseable).close()
    }
})

/** A clock the test moves by hand. */
private class HandClock(@Volatile private var now: Instant = Instant.parse("2026-01-01T00:00:00Z")) : java.time.Clock() {
    override fun getZone(): java.time.ZoneId = java.time.ZoneOffset.UTC
    override fun withZone(zone: java.time.ZoneId?): java.time.Clock = this
    override fun instant(): Instant = now
    fun advance(by: Duration) {
        now = now.plus(by)
    }
}
