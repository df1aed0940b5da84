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
        val calls = AtomicInteger()
        val provider = ExternalTokenProvider(name = "broker") {
            calls.incrementAndGet()
            val value = "ext-" + UUID.randomUUID()
            warehouse.tokens.addExpiring(value, "broker-user", Duration.ofSeconds(1))
            AccessToken(value, Instant.now().plusSeconds(1))
        }
        provider.use { p ->
            val started = System.nanoTime()
            while (System.nanoTime() - started < 2_500_000_000L) {
                http.selectOne(warehouse, p.token()) shouldBe "SUCCEEDED"
                delay(50)
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
