package dev.dbsql.cli

import dev.dbsql.warehouse.LocalWarehouse
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainAll
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonNull
import kotlinx.serialization.json.jsonObject
import java.io.ByteArrayOutputStream
import java.io.PrintStream
import java.nio.file.Files

/** The tool in-process: table layout over batches, formats, multi-statement text, error text, output paths. */
class CliFormatSpec : FunSpec({
    val home = Files.createTempDirectory("dbsql-cli-fmt")
    val warehouse = LocalWarehouse.start()
    afterSpec { warehouse.close() }
    val env = mapOf("DATABRICKS_HOST" to warehouse.baseUrl, "DATABRICKS_TOKEN" to warehouse.token, "DATABRICKS_WAREHOUSE_ID" to warehouse.warehouseId)

    suspend fun run(vararg args: String, progress: Boolean = false): Triple<Int, String, String> {
        val out = ByteArrayOutputStream()
        val err = ByteArrayOutputStream()
        val code = Cli(out, PrintStream(err, true), env, home, errIsTerminal = progress).run(arrayOf(*args))
        return Triple(code, out.toString(Charsets.UTF_8), err.toString(Charsets.UTF_8))
    }

    test("table: numbers of later batches are never cut; the layout widens and the last row is printed in full") {
        val (code, out, err) = run("SELECT id * 1000 AS big FROM range(200000)")
        withClue(err) { code shouldBe 0 }
        val lines = out.trimEnd().lines()
        lines.last() shouldBe "(200000 rows)"
        lines[lines.size - 2].trim() shouldBe "199999000"
        out shouldNotContain "…"
        val values = lines.filter { it.trim().all(Char::isDigit) && it.isNotBlank() }.map { it.trim().toLong() }
        values.size shouldBe 200_000
        values.sum() shouldBe (0L until 200_000L).sumOf { it * 1000 }
    }

    test("table: long text is shortened with a marker and a footer note; --no-truncate prints it in full") {
        val sql = "SELECT repeat('x', 100) AS t, 1234567890123 AS n"
        run(sql).let { (code, out, _) ->
            code shouldBe 0
            out shouldContain "x".repeat(47) + "…"
            out shouldContain "1234567890123"
            out shouldContain "1 text value was longer than 48 characters and shortened"
            out shouldContain "--no-truncate"
        }
        run("--no-truncate", sql).let { (code, out, _) ->
            code shouldBe 0
            out shouldContain "x".repeat(100)
            out shouldNotContain "…"
            out shouldNotContain "shortened"
        }
    }

    test("several statements run in order in one session and each result is printed") {
        val (code, out, err) = run("--format", "csv", "CREATE TEMP TABLE t AS SELECT 41 AS v; SELECT v + 1 AS answer FROM t; SELECT 'two; not split' AS s")
        withClue(err) { code shouldBe 0 }
        out shouldContain "answer\r\n42\r\n"
        out shouldContain "s\r\ntwo; not split\r\n"
        val records = listOf("SELECT v + 1 AS answer FROM t", "SELECT 'two; not split' AS s").map { warehouse.admin.statementsWithText(it).single() }
        records.map { it.sessionId }.distinct().size shouldBe 1
        (records[0].sessionId != null) shouldBe true
    }

    test("markdown, jsonl and csv with --null-as") {
        run("--format", "markdown", "SELECT 1 AS n, 'a|b' AS s, NULL AS z").let { (code, out, _) ->
            code shouldBe 0
            out.lines() shouldContainAll listOf("| n | s | z |", "| --: | --- | --- |", "| 1 | a\\|b | NULL |")
        }
        run("--format", "jsonl", "SELECT 1 AS n, NULL AS z").let { (code, out, _) ->
            code shouldBe 0
            val row = Json.parseToJsonElement(out.trim()).jsonObject
            row.getValue("z") shouldBe JsonNull
            row.getValue("n").toString() shouldBe "1"
        }
        run("--format", "csv", "--null-as", "NULL", "SELECT NULL AS a, '' AS b, 'NULL' AS c").let { (code, out, _) ->
            code shouldBe 0
            out shouldBe "a,b,c\r\nNULL,\"\",\"NULL\"\r\n"
        }
        run("--format", "csv", "SELECT NULL AS a, '' AS b").second shouldBe "a,b\r\n,\"\"\r\n"
    }

    test("a SQL error says SQLSTATE and statement id once each") {
        val (code, _, err) = run("SELECT * FROM no_such_table_here")
        code shouldBe ExitCode.SQL_ERROR
        val id = warehouse.admin.statementsWithText("SELECT * FROM no_such_table_here").single().id
        Regex("42P01").findAll(err).count() shouldBe 1
        Regex(Regex.escape(id)).findAll(err).count() shouldBe 1
    }

    test("a bad --output path says what is wrong with it, before anything runs") {
        val missing = home.resolve("no/such/dir/out.csv")
        run("--output", missing.toString(), "SELECT 'bad output 1'").let { (code, _, err) ->
            code shouldBe ExitCode.USAGE
            err shouldContain "directory ${missing.parent} does not exist"
        }
        run("--output", home.toString(), "SELECT 'bad output 2'").let { (code, _, err) ->
            code shouldBe ExitCode.USAGE
            err shouldContain "is a directory"
        }
        warehouse.admin.statements().none { it.text.startsWith("SELECT 'bad output") } shouldBe true
    }

    test("a failed statement with --output leaves no file and says so") {
        val target = home.resolve("failed.csv")
        val (code, _, err) = run("--format", "csv", "--output", target.toString(), "SELECT 1 AS a; SELECT * FROM no_table_for_output")
        code shouldBe ExitCode.SQL_ERROR
        Files.exists(target) shouldBe false
        err shouldContain "failed.csv was not written; no partial file was left"
        Files.list(home).use { s -> s.noneMatch { it.fileName.toString().endsWith(".part") } } shouldBe true
    }

    test("--timing prints a summary line; progress shows the statement id") {
        run("--timing", "--format", "csv", "SELECT id FROM range(1000)").let { (code, _, err) ->
            code shouldBe 0
            err shouldContain "1,000 rows"
            err shouldContain "statement "
        }
        run("--format", "csv", "SELECT id FROM range(10)", progress = true).let { (code, out, err) ->
            code shouldBe 0
            out.trim().lines().size shouldBe 11
            val id = warehouse.admin.statementsWithText("SELECT id FROM range(10)").single().id
            err shouldContain "statement $id"
        }
        run("--no-progress", "--format", "csv", "SELECT 2 AS quiet", progress = true).third shouldBe ""
    }

    test("--submit takes one statement; arrow takes one statement") {
        run("--submit", "SELECT 1; SELECT 2").let { (code, _, err) -> code shouldBe ExitCode.USAGE; err shouldContain "--submit takes one statement" }
        run("--format", "arrow", "SELECT 1; SELECT 2").let { (code, _, err) -> code shouldBe ExitCode.USAGE; err shouldContain "arrow writes one result" }
    }
})
