package dev.dbsql.bench

import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.maps.shouldBeEmpty
import io.kotest.matchers.nulls.shouldNotBeNull
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import java.nio.file.Files
import java.nio.file.Path
import kotlin.time.Duration.Companion.minutes

/**
 * The quick suite end to end, as `./bench --quick` runs it: a local warehouse in its own JVM, every
 * section, the probes in their child JVMs, the databricks-jdbc peer and the report. Asserts that
 * every measure is there and every goal could be computed; nothing about time.
 */
class QuickBenchSpec : FunSpec({
    test("the quick suite measures everything the goals need and writes the report").config(timeout = 6.minutes) {
        val out = Path.of("target/quick-bench-spec/benchmarks.md").toAbsolutePath()
        Files.deleteIfExists(out)

        val run = runBenchmarks(BenchOptions(quick = true, out = out))

        withClue("sections that failed: ${run.outcome.errors}") { run.outcome.errors.shouldBeEmpty() }
        val missing = Goals.measureIds.filter { id -> run.outcome.measures[id]?.values.isNullOrEmpty() }
        withClue("series without values") { missing.shouldBeEmpty() }
        val notFinite = run.outcome.measures.values.filter { m -> m.values.any { !it.isFinite() } }.map { it.id }
        withClue("series with NaN or infinite values") { notFinite.shouldBeEmpty() }
        withClue("goals that could not be computed: ${run.goals.filter { it.pass == null }}") {
            run.goals.count { it.pass == null } shouldBe 0
        }
        run.goals.map { it.id }.toSet() shouldBe setOf("P1", "P2", "P3", "P4", "P5", "P6", "P7", "W")

        run.report shouldBe out
        val text = Files.readString(out).shouldNotBeNull()
        text shouldContain "| goal | what | measured | target | result |"
        text shouldContain "| series | what | median | min | max | p95 | n | unit |"
        text shouldContain "Quick mode"
        text shouldContain "| JDK |"
        text shouldContain "cores"
        for (id in Goals.measureIds) text shouldContain "| `$id` |"
        text shouldContain "databricks-jdbc"
    }
})
