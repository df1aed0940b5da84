package dev.dbsql.bench

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.nulls.shouldBeNull
import io.kotest.matchers.nulls.shouldNotBeNull
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.runBlocking
import java.nio.file.Files
import kotlin.io.path.readText

class WatchdogSpec : FunSpec({
    val dir = Files.createTempDirectory("watchdog")
    afterSpec { dir.toFile().deleteRecursively() }

    test("a section that never returns is dumped, interrupted and reported as timed out") {
        Watchdog(dir, 60_000) { error("the hard stop must not be reached") }.use { dog ->
            val (value, error) = dog.guard("stuck section", 300) { runBlocking { awaitCancellation() } }
            value.shouldBeNull()
            error.shouldNotBeNull().message.shouldNotBeNull() shouldContain "stuck section timed out after 0 s"
            val dump = dir.resolve("hang-stuck-section.txt")
            Files.exists(dump) shouldBe true
            dump.readText() shouldContain "WatchdogSpec"
            Thread.currentThread().isInterrupted shouldBe false
        }
    }

    test("a section that finishes in time keeps its value and leaves no dump") {
        Watchdog(dir, 60_000) {}.use { dog ->
            dog.guard("quick section", 10_000) { 42 } shouldBe (42 to null)
            Files.exists(dir.resolve("hang-quick-section.txt")) shouldBe false
        }
    }
})
