package dev.dbsql.flow.unit

import dev.dbsql.flow.internal.FlowFailures
import dev.dbsql.flow.internal.pipeline.PipelineSettings
import dev.dbsql.flow.internal.source.ExternalLinkProducer
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.comparables.shouldBeGreaterThanOrEqualTo
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeSameInstanceAs
import kotlinx.coroutines.Dispatchers
import java.time.Duration

/** Retry rules of downloads: Errors are never retried, a negative Retry-After means the normal backoff. */
class FailureRulesSpec : FunSpec({
    test("an Error is not retryable and reaches the caller as it is") {
        val failures = FlowFailures("s1", { null }, 1L)
        for (error in listOf(OutOfMemoryError("Java heap space"), StackOverflowError())) {
            failures.isRetryable(error) shouldBe false
            failures.permanent(error) shouldBeSameInstanceAs error
        }
    }

    test("a negative download Retry-After is ignored: the normal backoff applies, not zero") {
        ExternalLinkProducer.retryAfter("-5") shouldBe null
        ExternalLinkProducer.retryAfter(" 3 ") shouldBe Duration.ofSeconds(3)
        ExternalLinkProducer.retryAfter("soon") shouldBe null
        val settings = PipelineSettings(1, 3, Duration.ofMillis(200), Duration.ofSeconds(10), 1, false, Dispatchers.Default)
        repeat(50) {
            settings.backoff(0, Duration.ofSeconds(-5)) shouldBeGreaterThanOrEqualTo Duration.ofMillis(100)
        }
        settings.backoff(0, Duration.ofSeconds(2)) shouldBe Duration.ofSeconds(2)
    }
})
