package dev.dbsql.auth.internal

import dev.dbsql.auth.AccessToken
import dev.dbsql.auth.CredentialsException
import dev.dbsql.auth.RefreshPolicy
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.ints.shouldBeInRange
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.cancel
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.test.StandardTestDispatcher
import kotlinx.coroutines.test.TestScope
import kotlinx.coroutines.test.runCurrent
import kotlinx.coroutines.test.runTest
import java.time.Clock
import java.time.Duration
import java.time.Instant
import java.time.ZoneId
import java.time.ZoneOffset
import java.util.concurrent.atomic.AtomicInteger

/** A clock that reads the test scheduler's virtual time. */
private class VirtualClock(private val scope: TestScope) : Clock() {
    override fun getZone(): ZoneId = ZoneOffset.UTC
    override fun withZone(zone: ZoneId?): Clock = this
    override fun instant(): Instant = Instant.ofEpochMilli(scope.testScheduler.currentTime)
}

/** A token source with a 2 s lifetime and a 50 ms request time; counts requests; can be told to fail. */
private class FakeIssuer(private val clock: Clock, private val lifetime: Duration = Duration.ofSeconds(2)) {
    val requests = AtomicInteger()

    @Volatile
    var failing = false

    suspend fun fetch(): IssuedToken {
        val n = requests.incrementAndGet()
        delay(50)
        if (failing) throw CredentialsException("issuer down")
        val now = clock.instant()
        return IssuedToken(AccessToken("t$n", now.plus(lifetime)), null, now)
    }
}

private fun TestScope.cacheWith(issuer: FakeIssuer, clock: Clock): Pair<TokenCache, CoroutineScope> {
    val scope = CoroutineScope(SupervisorJob() + StandardTestDispatcher(testScheduler))
    return TokenCache("test", scope, clock, RefreshPolicy()) { issuer.fetch() } to scope
}

class TokenCacheSpec : FunSpec({
    test("a fresh token is reused; the first call waits for one request") {
        runTest {
            val clock = VirtualClock(this)
            val issuer = FakeIssuer(clock)
            val (cache, scope) = cacheWith(issuer, clock)
            cache.get().value shouldBe "t1"
            delay(1000)
            cache.get().value shouldBe "t1"
            cache.state() shouldBe TokenState.FRESH
            issuer.requests.get() shouldBe 1
            scope.cancel()
        }
    }

    test("100 concurrent callers of an expired token cause exactly one request") {
        runTest {
            val clock = VirtualClock(this)
            val issuer = FakeIssuer(clock)
            val (cache, scope) = cacheWith(issuer, clock)
            cache.get()
            delay(2_500)
            cache.state() shouldBe TokenState.EXPIRED
            val tokens = (1..100).map { async { cache.get().value } }.awaitAll()
            tokens.toSet() shouldBe setOf("t2")
            issuer.requests.get() shouldBe 2
            scope.cancel()
        }
    }

    test("a stale token is returned at once while one background refresh runs") {
        runTest {
            val clock = VirtualClock(this)
            val issuer = FakeIssuer(clock)
            val (cache, scope) = cacheWith(issuer, clock)
            cache.get()
            delay(1_900) // issued at 50 ms, expires at 2050 ms, stale from 1850 ms (10 % window)
            cache.state() shouldBe TokenState.STALE
            (1..20).map { cache.get().value }.toSet() shouldBe setOf("t1")
            runCurrent()
            delay(60)
            cache.get().value shouldBe "t2"
            issuer.requests.get() shouldBe 2
            scope.cancel()
        }
    }

    test("a failed background refresh does not fail callers while the token is valid, and is retried later") {
        runTest {
            val clock = VirtualClock(this)
            val issuer = FakeIssuer(clock)
            val (cache, scope) = cacheWith(issuer, clock)
            cache.get() // t1: issued at 50 ms, expires at 2050 ms, stale from 1850 ms
            delay(1_810)
            issuer.failing = true
            cache.get().value shouldBe "t1" // starts a refresh that fails at 1910 ms
            delay(60)
            cache.get().value shouldBe "t1" // 1920 ms, backoff until 1980 ms: no new attempt yet
            issuer.requests.get() shouldBe 2
            delay(70) // 1990 ms: past the backoff (1980 ms), before expiry
            issuer.failing = false
            cache.get().value shouldBe "t1"
            delay(60)
            cache.get().value shouldBe "t3"
            scope.cancel()
        }
    }

    test("when the token has expired, a failed refresh reaches the callers; the next call tries again") {
        runTest {
            val clock = VirtualClock(this)
            val issuer = FakeIssuer(clock)
            val (cache, scope) = cacheWith(issuer, clock)
            cache.get()
            delay(3_000)
            issuer.failing = true
            val errors = (1..10).map { async { runCatching { cache.get() }.exceptionOrNull() } }.awaitAll()
            errors.all { it is CredentialsException && it.message == "issuer down" } shouldBe true
            issuer.requests.get() shouldBe 2
            issuer.failing = false
            cache.get().value shouldBe "t3"
            scope.cancel()
        }
    }

    test("invalidate drops only the cached token") {
        runTest {
            val clock = VirtualClock(this)
            val issuer = FakeIssuer(clock)
            val (cache, scope) = cacheWith(issuer, clock)
            val first = cache.get()
            cache.invalidate(AccessToken("some-other-token"))
            cache.get() shouldBe first
            cache.invalidate(first)
            cache.get().value shouldBe "t2"
            cache.invalidate(first) // an old token again: nothing happens
            cache.get().value shouldBe "t2"
            issuer.requests.get() shouldBe 2
            scope.cancel()
        }
    }

    test("cancelling a waiting caller does not cancel the shared refresh") {
        runTest {
            val clock = VirtualClock(this)
            val issuer = FakeIssuer(clock)
            val (cache, scope) = cacheWith(issuer, clock)
            val impatient = launch { cache.get() }
            val patient = async { cache.get() }
            runCurrent()
            impatient.cancel()
            patient.await().value shouldBe "t1"
            issuer.requests.get() shouldBe 1
            scope.cancel()
        }
    }

    test("calls over a minute of 2-second tokens never see an expired token") {
        runTest {
            val clock = VirtualClock(this)
            val issuer = FakeIssuer(clock)
            val (cache, scope) = cacheWith(issuer, clock)
            repeat(600) {
                val token = cache.get()
                clock.instant().isBefore(token.expiresAt) shouldBe true
                delay(100)
            }
            issuer.requests.get() shouldBeInRange 30..36
            scope.cancel()
        }
    }

    test("a closed cache refuses calls") {
        runTest {
            val clock = VirtualClock(this)
            val (cache, scope) = cacheWith(FakeIssuer(clock), clock)
            cache.close()
            shouldThrow<IllegalStateException> { cache.get() }
            scope.cancel()
        }
    }
})
