package dev.dbsql.cli

import dev.dbsql.warehouse.LocalWarehouse
import dev.dbsql.warehouse.statements.StatementState
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import java.io.File
import java.nio.file.Files
import java.time.Duration
import java.util.concurrent.TimeUnit

/** `dbsql` as a separate process against a warehouse that outlives it. */
class CliProcessSpec : FunSpec({
    val warehouse = LocalWarehouse.start()
    afterSpec { warehouse.close() }
    val dir = Files.createTempDirectory("dbsql-cli-proc").toFile()

    fun start(vararg args: String): Run {
        val java = File(System.getProperty("java.home"), "bin/java").path
        val command = listOf(java, "--add-opens=java.base/java.nio=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "dev.dbsql.cli.MainKt", *args)
        val out = File(dir, "out-${System.nanoTime()}.txt")
        val err = File(dir, "err-${System.nanoTime()}.txt")
        val process = ProcessBuilder(command).directory(dir).apply {
            environment().apply {
                keys.removeIf { it.startsWith("DATABRICKS_") }
                put("DATABRICKS_HOST", warehouse.baseUrl)
                put("DATABRICKS_TOKEN", warehouse.token)
                put("DATABRICKS_WAREHOUSE_ID", warehouse.warehouseId)
                put("HOME", dir.path)
            }
            redirectOutput(out)
            redirectError(err)
        }.start()
        return Run(process, out, err)
    }

    test("a handle submitted in one run is resumed in another") {
        val (code, handleJson, _) = start("--submit", "SELECT id * 2 AS doubled FROM range(5)").finish()
        code shouldBe 0
        handleJson shouldContain "\"statement_id\""
        File(dir, "handle.json").writeText(handleJson)
        val (code2, out, err) = start("--format", "csv", "--resume", "handle.json").finish()
        err shouldBe ""
        code2 shouldBe 0
        out.trim().lines() shouldBe listOf("doubled", "0", "2", "4", "6", "8")
    }

    test("--cancel acts on a saved handle") {
        val sql = "SELECT count(*) FROM range(200000) a, range(200000) b"
        val (_, handleJson, _) = start("--submit", sql).finish()
        File(dir, "long.json").writeText(handleJson)
        val (code, _, err) = start("--cancel", "long.json").finish()
        code shouldBe 0
        err shouldContain "cancel sent"
        val id = warehouse.admin.statementsWithText(sql).single().id
        warehouse.admin.awaitCancelBlocking(id, Duration.ofSeconds(30)).cancelArrived shouldBe true
    }

    test("Ctrl-C cancels the statement on the server before the process exits") {
        val sql = "SELECT count(*) FROM range(300000) a, range(300000) b"
        val process = start(sql)
        val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60)
        while (warehouse.admin.statementsWithText(sql).none { it.state == StatementState.RUNNING }) {
            check(System.nanoTime() < deadline) { "the statement never started running" }
            Thread.sleep(50)
        }
        ProcessBuilder("kill", "-INT", process.process.pid().toString()).start().waitFor()
        val (code, _, err) = process.finish()
        code shouldBe ExitCode.INTERRUPTED
        err shouldContain "interrupted"
        err shouldNotContain "DeferredCoroutine"
        err shouldNotContain "error:"
        val record = warehouse.admin.statementsWithText(sql).single()
        record.cancelArrived shouldBe true
    }

    test("SIGTERM cancels the statement on the server and exits 143, as documented") {
        val sql = "SELECT count(*) FROM range(300001) a, range(300001) b"
        val process = start(sql)
        val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60)
        while (warehouse.admin.statementsWithText(sql).none { it.state == StatementState.RUNNING }) {
            check(System.nanoTime() < deadline) { "the statement never started running" }
            Thread.sleep(50)
        }
        ProcessBuilder("kill", "-TERM", process.process.pid().toString()).start().waitFor()
        val (code, _, err) = process.finish()
        code shouldBe ExitCode.TERMINATED
        USAGE shouldContain "143 terminated (SIGTERM)"
        err shouldContain "interrupted"
        err shouldNotContain "DeferredCoroutine"
        warehouse.admin.statementsWithText(sql).single().cancelArrived shouldBe true
    }

    test("exit codes reach the shell") {
        start("SELECT * FROM missing_table").finish().first shouldBe ExitCode.SQL_ERROR
        start("--format").finish().first shouldBe ExitCode.USAGE
    }
})

/** A started `dbsql` process and the files its output goes to. */
private class Run(val process: Process, private val out: File, private val err: File) {
    fun finish(): Triple<Int, String, String> {
        check(process.waitFor(120, TimeUnit.SECONDS)) { "dbsql did not finish" }
        return Triple(process.exitValue(), out.readText(), err.readText())
    }
}
