package dev.dbsql.cli

import dev.dbsql.warehouse.LocalWarehouse
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import kotlinx.serialization.json.long
import org.apache.arrow.memory.RootAllocator
import org.apache.arrow.vector.BigIntVector
import org.apache.arrow.vector.ipc.ArrowStreamReader
import java.io.ByteArrayInputStream
import java.io.ByteArrayOutputStream
import java.io.PrintStream
import java.nio.file.Files

/** The tool in-process: output formats, exit codes and messages. */
class CliSpec : FunSpec({
    val home = Files.createTempDirectory("dbsql-cli-home")

    suspend fun run(vararg args: String, env: Map<String, String> = emptyMap()): Triple<Int, String, String> {
        val out = ByteArrayOutputStream()
        val err = ByteArrayOutputStream()
        val code = Cli(out, PrintStream(err, true), env, home, errIsTerminal = false).run(arrayOf(*args))
        return Triple(code, out.toString(Charsets.UTF_8), err.toString(Charsets.UTF_8))
    }

    test("with no workspace configured, a query runs on the embedded warehouse as a table") {
        val (code, out, err) = run("SELECT id, id * id AS square FROM range(4)")
        err shouldBe ""
        code shouldBe 0
        out.lines() shouldBe listOf(" id | square", "----+--------", "  0 |      0", "  1 |      1", "  2 |      4", "  3 |      9", "(4 rows)", "")
    }

    test("csv quotes what needs quoting and keeps NULL empty") {
        val (code, out, _) = run("--local", "--format", "csv", "SELECT 'a,b' AS x, NULL AS y, 'say \"hi\"' AS z")
        code shouldBe 0
        out shouldBe "x,y,z\r\n\"a,b\",,\"say \"\"hi\"\"\"\r\n"
    }

    test("json writes one object per row with numbers as numbers") {
        val (code, out, _) = run("--local", "--format=json", "SELECT id, 'r' || id AS label FROM range(3)")
        code shouldBe 0
        val rows = out.trim().lines().map { Json.parseToJsonElement(it).jsonObject }
        rows.map { it.getValue("id").jsonPrimitive.long } shouldBe listOf(0L, 1L, 2L)
        rows[2].getValue("label").jsonPrimitive.content shouldBe "r2"
    }

    test("arrow writes a readable IPC stream with every row") {
        val (code, _, _) = run("--local", "--format", "arrow", "--output", home.resolve("r.arrow").toString(), "SELECT id FROM range(250000)")
        code shouldBe 0
        RootAllocator().use { allocator ->
            ArrowStreamReader(ByteArrayInputStream(Files.readAllBytes(home.resolve("r.arrow"))), allocator).use { reader ->
                var rows = 0L
                var sum = 0L
                while (reader.loadNextBatch()) {
                    val ids = reader.vectorSchemaRoot.getVector("id") as BigIntVector
                    for (i in 0 until ids.valueCount) sum += ids.get(i)
                    rows += reader.vectorSchemaRoot.rowCount
                }
                rows shouldBe 250_000L
                sum shouldBe 249_999L * 250_000L / 2
            }
        }
    }

    test("--max-rows cuts the result on the server") {
        val (code, out, _) = run("--local", "--format", "csv", "--max-rows", "2", "SELECT id FROM range(10)")
        code shouldBe 0
        out.trim().lines() shouldBe listOf("id", "0", "1")
    }

    test("a SQL error exits 1 with the SQLSTATE") {
        val (code, _, err) = run("--local", "SELECT * FROM no_such_table")
        code shouldBe ExitCode.SQL_ERROR
        err shouldContain "SQL error"
        err shouldContain "42P01"
    }

    test("usage errors exit 2 and say what is wrong") {
        run().let { (code, _, err) -> code shouldBe ExitCode.USAGE; err shouldContain "no SQL given" }
        run("--format", "xml", "SELECT 1").let { (code, _, err) -> code shouldBe ExitCode.USAGE; err shouldContain "unknown format 'xml'" }
        run("--bogus", "SELECT 1").let { (code, _, err) -> code shouldBe ExitCode.USAGE; err shouldContain "unknown option --bogus" }
        run("--local", "--resume", "h.json").let { (code, _, err) -> code shouldBe ExitCode.USAGE; err shouldContain "need a workspace" }
    }

    test("a refused token exits 3; an asked-for profile that does not exist is an auth error, not a silent local run") {
        LocalWarehouse.start().use { wh ->
            val env = mapOf("DATABRICKS_HOST" to wh.baseUrl, "DATABRICKS_TOKEN" to "dapi-wrong", "DATABRICKS_WAREHOUSE_ID" to wh.warehouseId)
            val (code, _, err) = run("SELECT 1", env = env)
            code shouldBe ExitCode.AUTH
            err shouldContain "authentication failed"
            err.contains("dapi-wrong") shouldBe false
        }
        val (code, _, err) = run("--profile", "nope", "SELECT 1")
        code shouldBe ExitCode.AUTH
        err shouldContain "nope"
    }

    test("a configured workspace is used instead of the embedded warehouse") {
        LocalWarehouse.start().use { wh ->
            val env = mapOf("DATABRICKS_HOST" to wh.baseUrl, "DATABRICKS_TOKEN" to wh.token, "DATABRICKS_WAREHOUSE_ID" to wh.warehouseId)
            val (code, out, _) = run("--format", "csv", "SELECT 42 AS answer", env = env)
            code shouldBe 0
            out.trim().lines() shouldBe listOf("answer", "42")
            wh.admin.statementsWithText("SELECT 42 AS answer").size shouldBe 1
        }
    }
})
