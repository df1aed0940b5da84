package dev.dbsql.samples

import dev.dbsql.warehouse.LocalWarehouse
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldMatch
import java.io.ByteArrayOutputStream
import java.io.File
import java.io.PrintStream
import java.nio.file.Files
import java.util.concurrent.TimeUnit

/**
 * Runs every sample's `main`, as `java` would, against an embedded warehouse and checks what it
 * prints, so that no sample can rot. The resume sample also runs as two separate processes.
 */
class SamplesSpec : FunSpec({
    beforeSpec { System.setProperty("dbsql.samples.target", "local") }
    afterSpec { System.clearProperty("dbsql.samples.target") }

    test("Quickstart") {
        val out = runMain("dev.dbsql.samples.QuickstartKt")
        out shouldContain "3 rows"
        out shouldContain "7 squared is 49"
        out shouldContain "9 squared is 81"
    }

    test("StreamLargeResult") {
        val out = runMain("dev.dbsql.samples.StreamLargeResultKt")
        out shouldContain "2000000 rows in 20 chunks"
        out shouldContain "chunk 20/20: 2000000 rows so far"
        out shouldContain "streamed 2000000 rows (sum of ids 1999999000000)"
    }

    test("CancelQuery") {
        val out = runMain("dev.dbsql.samples.CancelQueryKt")
        out shouldContain "after 1 s: gave up"
        out shouldMatch Regex("(?s).*statement \\S+ is CANCELED.*")
    }

    test("ResumeSample in one run") {
        val out = runMain("dev.dbsql.samples.ResumeSampleKt")
        out shouldContain "submitted "
        out shouldContain "at chunk 0"
        out shouldContain "read 500000 rows"
    }

    test("ResumeSample in two processes") {
        LocalWarehouse.start().use { warehouse ->
            val file = Files.createTempFile("handle-", ".json")
            try {
                val env = mapOf(
                    "DATABRICKS_HOST" to warehouse.baseUrl,
                    "DATABRICKS_TOKEN" to warehouse.token,
                    "DATABRICKS_WAREHOUSE_ID" to warehouse.warehouseId,
                )
                val first = runProcess("dev.dbsql.samples.ResumeSampleKt", env, "submit", file.toString())
                first shouldContain "handle saved to $file"
                val second = runProcess("dev.dbsql.samples.ResumeSampleKt", env, "resume", file.toString())
                second shouldContain "read 500000 rows"
                Files.readString(file) shouldContain "results.next_chunk"
                warehouse.admin.statements().single { it.text.contains("range(500000)") }.closeArrived shouldBe true
            } finally {
                Files.deleteIfExists(file)
            }
        }
    }

    test("PartitionsSample") {
        val out = runMain("dev.dbsql.samples.PartitionsSampleKt")
        out shouldContain "partition 3:"
        out shouldContain "total 1000000 rows"
    }

    test("JavaFuturesSample") {
        val out = runMain("dev.dbsql.samples.JavaFuturesSample")
        out shouldContain "2 -> item-2"
        out shouldContain "square 25"
        out shouldContain "failed as expected"
        out shouldMatch Regex("(?s).*long query \\S+ is CANCELED.*")
    }

    test("JavaIteratorSample") {
        val out = runMain("dev.dbsql.samples.JavaIteratorSample")
        out shouldContain "sum of ids 1999999000000"
        out shouldContain "{id=0, digit=0}"
    }
})

/** Calls `main(String[])` of [className] with [args] and returns what it printed. */
private fun runMain(className: String, vararg args: String): String {
    val captured = ByteArrayOutputStream()
    val original = System.out
    System.setOut(PrintStream(captured, true, Charsets.UTF_8))
    try {
        Class.forName(className).getMethod("main", Array<String>::class.java).invoke(null, arrayOf(*args))
    } finally {
        System.setOut(original)
    }
    return captured.toString(Charsets.UTF_8).also { print(it) }
}

/** Runs [className] in a new JVM with this test's class path and [env] added; returns its output. */
private fun runProcess(className: String, env: Map<String, String>, vararg args: String): String {
    val java = File(System.getProperty("java.home"), "bin/java").path
    val command = listOf(
        java, "-Xmx256m", "--add-opens=java.base/java.nio=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), className, *args,
    )
    val log = Files.createTempFile("sample-", ".log").toFile()
    try {
        val process = ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).apply {
            environment().remove("DATABRICKS_CONFIG_PROFILE")
            environment().putAll(env)
        }.start()
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly()
            error("$className did not finish:\n${log.readText()}")
        }
        val output = log.readText()
        check(process.exitValue() == 0) { "$className failed:\n$output" }
        return output.also { print(it) }
    } finally {
        log.delete()
    }
}
