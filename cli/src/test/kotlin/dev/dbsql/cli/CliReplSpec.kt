package dev.dbsql.cli

import dev.dbsql.warehouse.LocalWarehouse
import dev.dbsql.warehouse.statements.StatementState
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import java.io.File
import java.nio.file.Files
import java.time.Duration
import java.util.concurrent.TimeUnit

/** Process-level: the interactive mode, driven through a pseudo terminal against a local warehouse. */
class CliReplSpec : FunSpec({
    val warehouse = LocalWarehouse.start()
    afterSpec { warehouse.close() }
    val env = mapOf("DATABRICKS_HOST" to warehouse.baseUrl, "DATABRICKS_TOKEN" to warehouse.token, "DATABRICKS_WAREHOUSE_ID" to warehouse.warehouseId)
    fun home(): File = Files.createTempDirectory("dbsql-repl").toFile()

    test("a statement over several lines runs once, whole; a ';' in a string or a comment does not end it; meta-commands; Ctrl-D leaves with 0") {
        PtyDbsql(home(), env).use { t ->
            t.await(Repl.PROMPT)
            t.send("SELECT 'a;b' AS s, -- not the end;\r")
            t.await(Repl.CONTINUATION)
            t.send("41 + 1 AS answer;\r")
            val table = t.await("(1 row)")
            table shouldContain "a;b"
            table shouldContain "42"
            warehouse.admin.statementsWithText("SELECT 'a;b' AS s, -- not the end;\n41 + 1 AS answer").size shouldBe 1

            t.await(Repl.PROMPT)
            t.send("\\format csv\r")
            t.await("format: csv")
            t.await(Repl.PROMPT)
            t.send("SELECT 7 AS seven;\r")
            t.await("seven\n7\n")

            t.await(Repl.PROMPT)
            t.send("\\format table\r")
            t.await("format: table")
            t.await(Repl.PROMPT)
            t.send("CREATE TABLE pets (id INT, pet_name STRING);\r")
            t.await(Repl.PROMPT)
            t.send("\\d pets\r")
            val described = t.await("(2 rows)")
            described shouldContain "pet_name"
            described.lowercase() shouldContain "string"
            warehouse.admin.statementsWithText("DESCRIBE TABLE pets").size shouldBe 1

            t.await(Repl.PROMPT)
            t.send("\\timing on\r")
            t.await("timing: on")
            t.await(Repl.PROMPT)
            t.send("SELECT 1 AS one;\r")
            t.await("1 row, ") // the timing summary line

            t.await(Repl.PROMPT)
            t.send("SELECT * FROM missing_table;\r")
            t.await("SQL error")
            t.await(Repl.PROMPT)
            t.send("\\nonsense\r")
            t.await("unknown command \\nonsense")
            t.await(Repl.PROMPT)
            t.send("\u0004") // Ctrl-D on an empty line
            withClue(t.output()) { t.exitCode() shouldBe 0 }
        }
    }

    test("Ctrl-C while a statement runs cancels it on the server and returns to the prompt; Ctrl-C at the prompt clears the line") {
        val sql = "SELECT count(*) FROM range(300000) a, range(300000) b"
        PtyDbsql(home(), env).use { t ->
            t.await(Repl.PROMPT)
            t.send("$sql;\r")
            val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90)
            while (warehouse.admin.statementsWithText(sql).none { it.state == StatementState.RUNNING }) {
                check(System.nanoTime() < deadline) { "the statement never started running; the terminal showed:\n${t.output()}" }
                Thread.sleep(50)
            }
            t.send("\u0003")
            t.await("cancelled")
            val id = warehouse.admin.statementsWithText(sql).single().id
            warehouse.admin.awaitCancelBlocking(id, Duration.ofSeconds(60)).cancelArrived shouldBe true

            t.await(Repl.PROMPT)
            t.send("SELECT 'never run")
            t.await("never run")
            t.send("\u0003")
            t.await(Repl.PROMPT)
            t.send("SELECT 'still here' AS alive;\r")
            val after = t.await("(1 row)")
            after shouldContain "still here"
            warehouse.admin.statements().filter { it.text.contains("never run") }.size shouldBe 0

            t.await(Repl.PROMPT)
            t.send("\\q\r")
            withClue(t.output()) { t.exitCode() shouldBe 0 }
            t.output() shouldNotContain "interrupted"
        }
        // both statements ran in one session, deleted on the server at the end
        val sessionId = warehouse.admin.statementsWithText("SELECT 'still here' AS alive").single().sessionId
        warehouse.admin.statementsWithText(sql).single().sessionId shouldBe sessionId
        warehouse.admin.requests().filter { it.method == "DELETE" && it.path == "/api/2.0/sql/sessions/$sessionId" }.size shouldBe 1
    }

    test("a statement typed while dbsql starts is not lost (no terminal probe discards it)") {
        PtyDbsql(home(), env).use { t ->
            t.send("SELECT 6 * 7 AS early;\r") // before the prompt: kept by the terminal until dbsql reads it
            t.await("(1 row)") shouldContain "42"
            warehouse.admin.statementsWithText("SELECT 6 * 7 AS early").size shouldBe 1
            t.await(Repl.PROMPT)
            t.send("\u0004")
            t.exitCode() shouldBe 0
        }
    }

    test("SIGTERM at the prompt ends the interactive mode with 143 and deletes the session on the server") {
        PtyDbsql(home(), env).use { t ->
            t.await(Repl.PROMPT)
            t.send("SELECT 3 AS three;\r")
            t.await("(1 row)")
            t.await(Repl.PROMPT)
            t.signal("TERM")
            withClue(t.output()) { t.exitCode() shouldBe ExitCode.TERMINATED }
        }
        val sessionId = warehouse.admin.statementsWithText("SELECT 3 AS three").single().sessionId
        (sessionId != null) shouldBe true
        warehouse.admin.requests().filter { it.method == "DELETE" && it.path == "/api/2.0/sql/sessions/$sessionId" }.size shouldBe 1
    }

    test("the history outlives the run in ~/.dbsql_history, without a line that holds the token") {
        val home = home()
        PtyDbsql(home, env).use { t ->
            t.await(Repl.PROMPT)
            t.send("SELECT 42 AS answer;\r")
            t.await("(1 row)")
            t.await(Repl.PROMPT)
            t.send("SELECT '${warehouse.token}' AS pasted;\r")
            t.await("(1 row)")
            t.await(Repl.PROMPT)
            t.send("\u0004")
            t.exitCode() shouldBe 0
        }
        val history = File(home, ".dbsql_history").readText()
        history shouldContain "SELECT 42 AS answer;"
        history shouldNotContain warehouse.token
        PtyDbsql(home, env).use { t ->
            t.await(Repl.PROMPT)
            t.send("\u001bOA") // Up (the terminal is in application cursor mode): the last kept entry
            t.await("answer;")
            t.send("\r")
            t.await("(1 row)") shouldContain "42"
            warehouse.admin.statementsWithText("SELECT 42 AS answer").size shouldBe 2
            t.await(Repl.PROMPT)
            t.send("\u0004")
            t.exitCode() shouldBe 0
        }
    }

    test("with standard input not a terminal there is no interactive mode: the SQL is read from it") {
        val (code, out, err) = DbsqlProcess.run(home(), env, stdin = "SELECT 5 AS five;\n")
        withClue(err) { code shouldBe 0 }
        out shouldContain "five"
        (out + err) shouldNotContain Repl.PROMPT
    }
})
