package dev.dbsql.flow.unit

import dev.dbsql.flow.internal.source.DownloadHedge
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.delay
import java.io.IOException
import java.time.Duration
import java.util.concurrent.atomic.AtomicInteger

/** The race of a hedged download, with requests that stall, fail or answer on cue. */
class DownloadHedgeSpec : FunSpec({
    val after = Duration.ofMillis(100)

    test("a stalled request is overtaken by the second one; the first is cancelled and never claims") {
        val hedge = DownloadHedge(after)
        val calls = AtomicInteger()
        val claimedBy = ArrayList<Int>()
        val value = hedge.download(0) { claim ->
            val me = calls.getAndIncrement()
            if (me == 0) awaitCancellation() // stalls until the race is decided
            if (claim.claim()) { synchronized(claimedBy) { claimedBy += me }; "from $me" } else null
        }
        value shouldBe "from 1"
        claimedBy shouldBe listOf(1)
        hedge.hedgedCount shouldBe 1
    }

    test("a quick answer sends no second request") {
        val hedge = DownloadHedge(after)
        val calls = AtomicInteger()
        hedge.download(0) { claim -> calls.incrementAndGet(); if (claim.claim()) 7 else null } shouldBe 7
        delay(300)
        calls.get() shouldBe 1
        hedge.hedgedCount shouldBe 0
    }

    test("the first request failing before it answered leaves the second one to deliver") {
        val hedge = DownloadHedge(after)
        val calls = AtomicInteger()
        val secondStarted = CompletableDeferred<Unit>()
        val value = hedge.download(0) { claim ->
            val me = calls.getAndIncrement()
            if (me == 0) {
                secondStarted.await() // fail only once the second request is under way
                throw IOException("connection reset")
            }
            secondStarted.complete(Unit)
            delay(400)
            if (claim.claim()) "second" else null
        }
        value shouldBe "second"
    }

    test("the claimer's failure is the download's failure; a lone early failure too") {
        val hedge = DownloadHedge(after)
        shouldThrow<IOException> {
            hedge.download<String>(0) { claim -> claim.claim(); throw IOException("HTTP 403") }
        }.message shouldBe "HTTP 403"
        shouldThrow<IOException> {
            hedge.download<String>(1) { _ -> throw IOException("refused") }
        }.message shouldBe "refused"
        hedge.hedgedCount shouldBe 0
    }

    test("without a delay there is no race") {
        val hedge = DownloadHedge(null)
        val calls = AtomicInteger()
        hedge.download(0) { claim -> calls.incrementAndGet(); delay(300); if (claim.claim()) "only" else null } shouldBe "only"
        calls.get() shouldBe 1
    }
})
