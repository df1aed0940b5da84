package dev.dbsql.cli

import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeInstanceOf
import java.nio.file.Files
import java.nio.file.attribute.PosixFilePermissions

/** What the interactive mode makes of what is typed, and what its history keeps. */
class ReplInputSpec : FunSpec({
    test("a statement is complete only when its last code is a ';' outside quotes and comments") {
        val complete = listOf(
            "SELECT 1;", "SELECT 1;  ", "SELECT 1; -- done", "SELECT 1; /* done */", "SELECT 'a;b';", "SELECT 1;\nSELECT 2;",
            "", "   ", "-- only a comment", "\\q", "  \\format csv", "quit", "EXIT;", "help", "SELECT 'it''s';", "SELECT '';",
        )
        val incomplete = listOf(
            "SELECT 1", "SELECT 'a;b'", "SELECT 'a;", "SELECT \"x;\"", "SELECT `a;b` FROM t", "SELECT 1 -- the end;",
            "SELECT 1 /* ; */", "SELECT 1 /* ;", "SELECT 1; SELECT 2", "SELECT 'it\\';", "SELECT 'it'';",
        )
        complete.forEach { withClue(it) { ReplInput.isComplete(it) shouldBe true } }
        incomplete.forEach { withClue(it) { ReplInput.isComplete(it) shouldBe false } }
    }

    test("meta-commands and SQL") {
        ReplInput.parse("SELECT 'a;b';\nSELECT 2;") shouldBe ReplCommand.Sql(listOf("SELECT 'a;b'", "SELECT 2"))
        ReplInput.parse("  ") shouldBe ReplCommand.Empty
        ReplInput.parse("-- nothing") shouldBe ReplCommand.Empty
        ReplInput.parse("\\q") shouldBe ReplCommand.Quit
        ReplInput.parse("exit") shouldBe ReplCommand.Quit
        ReplInput.parse("\\?") shouldBe ReplCommand.Help
        ReplInput.parse("help;") shouldBe ReplCommand.Help
        ReplInput.parse("\\format csv") shouldBe ReplCommand.Format(OutputFormat.CSV)
        ReplInput.parse("\\format JSON") shouldBe ReplCommand.Format(OutputFormat.JSONL)
        ReplInput.parse("\\format markdown;") shouldBe ReplCommand.Format(OutputFormat.MARKDOWN)
        ReplInput.parse("\\format") shouldBe ReplCommand.Format(null)
        ReplInput.parse("\\format arrow").shouldBeInstanceOf<ReplCommand.Invalid>()
        ReplInput.parse("\\timing on") shouldBe ReplCommand.Timing(true)
        ReplInput.parse("\\timing OFF") shouldBe ReplCommand.Timing(false)
        ReplInput.parse("\\timing") shouldBe ReplCommand.Timing(null)
        ReplInput.parse("\\timing maybe").shouldBeInstanceOf<ReplCommand.Invalid>()
        ReplInput.parse("\\d main.sales") shouldBe ReplCommand.Describe("main.sales")
        ReplInput.parse("\\d `my table`") shouldBe ReplCommand.Describe("`my table`")
        ReplInput.parse("\\d") shouldBe ReplCommand.Describe(null)
        // only a table name: \d never becomes a way to run other SQL
        ReplInput.parse("\\d t; DROP TABLE x").shouldBeInstanceOf<ReplCommand.Invalid>()
        ReplInput.parse("\\x").shouldBeInstanceOf<ReplCommand.Invalid>()
    }

    test("the history keeps neither credentials, parameter values, secret statements nor lines starting with a space") {
        val policy = HistoryPolicy.of(mapOf("DATABRICKS_TOKEN" to "dapi-abc123", "HOME" to "/home/me"), listOf(ParamArg("key", null, "s3cr3t-value"), ParamArg("n", "INT", "5")))
        policy.keep("SELECT 42;") shouldBe true
        policy.keep("SELECT * FROM t WHERE n = 5;") shouldBe true // a short value is not looked for
        policy.keep("SELECT * FROM t WHERE dir = '/home/me';") shouldBe true // not a credential variable
        policy.keep("SELECT 'dapi-abc123';") shouldBe false
        policy.keep("SELECT * FROM t WHERE k = 's3cr3t-value';") shouldBe false
        policy.keep("CREATE SECRET s (TYPE s3, KEY_ID 'x', SECRET 'y');") shouldBe false
        policy.keep("ALTER USER u IDENTIFIED BY 'pw';") shouldBe false
        policy.keep("SELECT password FROM users;") shouldBe false
        policy.keep(" SELECT 'private';") shouldBe false
    }

    test("the history file is ~/.dbsql_history (or DBSQL_HISTORY), readable by its owner only; DBSQL_HISTORY empty means none") {
        val home = Files.createTempDirectory("dbsql-history")
        val file = HistoryPolicy.file(emptyMap(), home)
        file shouldBe home.resolve(".dbsql_history")
        PosixFilePermissions.toString(Files.getPosixFilePermissions(file!!)) shouldBe "rw-------"
        HistoryPolicy.file(mapOf("DBSQL_HISTORY" to home.resolve("h").toString()), home) shouldBe home.resolve("h")
        HistoryPolicy.file(mapOf("DBSQL_HISTORY" to ""), home) shouldBe null
    }
})
