package dev.dbsql.core.unit

import dev.dbsql.core.ConnectionException
import dev.dbsql.core.ExponentialBackoffRetryStrategy
import dev.dbsql.core.RateLimitedException
import dev.dbsql.core.RetryPolicy
import dev.dbsql.core.SqlException
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldHaveSize
import io.kotest.matchers.ints.shouldBeLessThanOrEqual
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlinx.coroutines.test.currentTime
import kotlinx.coroutines.test.runTest
import kotlin.random.Random
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.minutes
import kotlin.time.Duration.Companion.seconds

class RetryStrategySpec : FunSpec({
    val policy = RetryPolicy(maxAttempts = 5, maxTotalTime = 1.minutes, baseDelay = 100.milliseconds, maxDelay = 2.seconds)

    test("retries retryable failures with growing, jittered, capped waits, then succeeds") {
        runTest {
            val strategy = ExponentialBackoffRetryStrategy(policy, testScheduler.timeSource, Random(7))
            val attemptTimes = mutableListOf<Long>()
            val result = strategy.retry { attempt ->
                attemptTimes += currentTime
                if (attempt < 4) throw ConnectionException("reset", retryable = true)
                "ok"
            }
            result shouldBe "ok"
            attemptTimes shouldHaveSize 4
            val gaps = attemptTimes.zipWithNext { a, b -> b - a }
            gaps.forEachIndexed { i, gap -> gap.toInt() shouldBeLessThanOrEqual (100 shl i) }
        }
    }

    test("the backoff never exceeds maxDelay") {
        val strategy = ExponentialBackoffRetryStrategy(policy, random = Random(1))
        val waits = (1..40).map { strategy.backoff(it) }
        waits.all { it >= kotlin.time.Duration.ZERO && it <= 2.seconds } shouldBe true
        waits.drop(10).any { it > 1.seconds } shouldBe true
    }

    test("honours Retry-After exactly") {
        runTest {
            val strategy = ExponentialBackoffRetryStrategy(policy, testScheduler.timeSource, Random(7))
            val times = mutableListOf<Long>()
            strategy.retry { attempt ->
                times += currentTime
                if (attempt == 1) throw RateLimitedException("slow down", retryAfter = 3.seconds)
            }
            (times[1] - times[0]) shouldBe 3000L
        }
    }

    test("does not retry non-retryable failures") {
        runTest {
            val strategy = ExponentialBackoffRetryStrategy(policy, testScheduler.timeSource)
            var calls = 0
            shouldThrow<SqlException> {
                strategy.retry<Unit> { calls++; throw SqlException("bad", "s1", "42601", "BAD_REQUEST") }
            }
            calls shouldBe 1
            shouldThrow<ConnectionException> {
                strategy.retry<Unit> { calls++; throw ConnectionException("after send", retryable = false) }
            }
            calls shouldBe 2
        }
    }

    test("gives up after maxAttempts with the count in the message") {
        runTest {
            val strategy = ExponentialBackoffRetryStrategy(policy, testScheduler.timeSource, Random(3))
            var calls = 0
            val e = shouldThrow<ConnectionException> { strategy.retry<Unit> { calls++; throw ConnectionException("refused") } }
            calls shouldBe 5
            e.attempts shouldBe 5
            e.message shouldContain "gave up after 5 attempts"
        }
    }

    test("gives up when Retry-After would pass maxTotalTime, without waiting") {
        runTest {
            val strategy = ExponentialBackoffRetryStrategy(policy, testScheduler.timeSource)
            val e = shouldThrow<RateLimitedException> {
                strategy.retry<Unit> { throw RateLimitedException("busy", retryAfter = 5.minutes) }
            }
            currentTime shouldBe 0L
            e.message shouldContain "retry.maxTotalTime"
            e.retryAfter shouldBe 5.minutes
        }
    }

    test("a non-SDK failure that is retried keeps its type") {
        runTest {
            val strategy = ExponentialBackoffRetryStrategy(RetryPolicy(maxAttempts = 2), testScheduler.timeSource)
            var calls = 0
            shouldThrow<IllegalStateException> {
                strategy.retry<Unit>(classifier = { dev.dbsql.core.RetryDecision.Retry() }) { calls++; error("boom") }
            }.suppressedExceptions.single().message shouldContain "gave up after 2 attempts"
            calls shouldBe 2
        }
    }
})
