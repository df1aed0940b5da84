package dev.dbsql.cli

import dev.dbsql.warehouse.LocalWarehouse
import dev.dbsql.warehouse.faults.Endpoint
import dev.dbsql.warehouse.faults.Fault
import dev.dbsql.warehouse.faults.Trigger
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.ints.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import java.io.File
import java.nio.file.Files
import java.time.Duration
import java.util.concurrent.TimeUnit

/** Process-level: a closed stdout pipe, and an interrupted `--output FILE`. */
class CliPipeSpec : FunSpec({
    val warehouse = LocalWarehouse.start()
    afterSpec { warehouse.close() }
    val env = mapOf("DATABRICKS_HOST" to warehouse.baseUrl, "DATABRICKS_TOKEN" to warehouse.token, "DATABRICKS_WAREHOUSE_ID" to warehouse.warehouseId)

    test("stdout closed after 3 lines (| head -3): the statement is cancelled on the server and dbsql exits 141 without reading everything") {
        val sql = "SELECT * FROM range(20000000)"
        val dir = Files.createTempDirectory("dbsql-pipe").toFile()
        val err = File(dir, "err.txt")
        val process = DbsqlProcess.builder(dir, env, "--format", "csv", sql).redirectError(err).redirectInput(File("/dev/null")).start()
        try {
            val reader = process.inputStream.bufferedReader()
            val head = List(3) { reader.readLine() }
            head shouldBe listOf("id", "0", "1")
            process.inputStream.close() // like head exiting: the pipe has no reader any more
            check(process.waitFor(120, TimeUnit.SECONDS)) { "dbsql did not stop" }
        } finally {
            process.destroyForcibly().waitFor()
        }
        withClue(err.readText()) { process.exitValue() shouldBe ExitCode.OUTPUT_CLOSED }
        val record = warehouse.admin.statementsWithText(sql).single()
        warehouse.admin.awaitCancel(record.id, Duration.ofSeconds(30)).cancelArrived shouldBe true
        // the whole result is about 200 downloads; a tool that stops makes far fewer (the prefetch is bounded)
        val fetches = warehouse.admin.requests().filter { it.method == "GET" && it.path.contains(record.id) && it.path != "/api/2.0/sql/statements/${record.id}" }
        withClue(fetches.map { it.path }) { fetches.size shouldBeLessThan 100 }
    }

    test("Ctrl-C while --output FILE is written leaves no file, and says so") {
        val sql = "SELECT id, 'row ' || id AS label FROM range(3000000)"
        val dir = Files.createTempDirectory("dbsql-out").toFile()
        // the second result chunk (or link) is held back, so the run is interrupted mid-result
        val rules = listOf(Endpoint.CHUNK, Endpoint.DOWNLOAD).map { warehouse.faults.inject(it, Fault.Delay(600_000), Trigger.from(2)) }
        try {
            val err = File(dir, "err.txt")
            val process = DbsqlProcess.builder(dir, env, "--format", "csv", "--output", "result.csv", sql)
                .redirectError(err).redirectOutput(File(dir, "stdout.txt")).redirectInput(File("/dev/null")).start()
            val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90)
            while (rules.none { it.fired > 0 } || warehouse.admin.statementsWithText(sql).isEmpty()) {
                check(System.nanoTime() < deadline) { "the result was never fetched: ${err.readText()}" }
                check(process.isAlive) { "dbsql ended early: ${err.readText()}" }
                Thread.sleep(50)
            }
            ProcessBuilder("kill", "-INT", process.pid().toString()).start().waitFor()
            check(process.waitFor(120, TimeUnit.SECONDS)) { process.destroyForcibly(); "dbsql did not stop" }
            process.exitValue() shouldBe ExitCode.INTERRUPTED
            err.readText() shouldContain "result.csv was not written; no partial file was left"
            File(dir, "result.csv").exists() shouldBe false
            dir.listFiles()!!.filter { it.name.endsWith(".part") }.shouldBeEmpty()
        } finally {
            rules.forEach { warehouse.faults.remove(it) }
        }
    }

    test("--output FILE appears whole, only at the end") {
        val dir = Files.createTempDirectory("dbsql-out").toFile()
        val (code, out, err) = DbsqlProcess.run(dir, env, "--format", "csv", "--output", "r.csv", "SELECT id FROM range(100000)")
        withClue(err) { code shouldBe 0 }
        out shouldBe ""
        val lines = File(dir, "r.csv").readLines()
        lines.size shouldBe 100_001
        lines.last() shouldBe "99999"
        dir.listFiles()!!.filter { it.name.endsWith(".part") }.shouldBeEmpty()
    }
})
