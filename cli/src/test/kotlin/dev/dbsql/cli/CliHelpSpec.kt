package dev.dbsql.cli

import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import java.io.File

/** `--help` and the README list the options the parser accepts, and the exit codes [ExitCode] has. */
class CliHelpSpec : FunSpec({
    val options = listOf(
        "-c", "-f", "--file", "--local", "--profile", "--host", "--warehouse", "-p", "--param", "--format", "--no-truncate",
        "--null-as", "-o", "--output", "--max-rows", "--timeout", "--timing", "--submit", "--resume", "--cancel",
        "--progress", "--no-progress", "--debug", "--help", "--version",
    )

    test("every option in --help is accepted by the parser, and the exit codes are listed") {
        options.forEach { withClue(it) { USAGE shouldContain it } }
        val flags = setOf("--local", "--no-truncate", "--timing", "--progress", "--no-progress", "--debug", "--help", "--version", "--submit")
        for (o in options) {
            val args = when {
                o in flags -> arrayOf(o, "SELECT 1")
                o == "-c" -> arrayOf("-c", "SELECT 1")
                o == "-f" || o == "--file" -> arrayOf(o, "q.sql")
                o == "-p" || o == "--param" -> arrayOf(o, "n=1", "SELECT :n")
                o == "--format" -> arrayOf(o, "csv", "SELECT 1")
                o == "--max-rows" -> arrayOf(o, "5", "SELECT 1")
                o == "--timeout" -> arrayOf(o, "5s", "SELECT 1")
                o == "--resume" || o == "--cancel" -> arrayOf(o, "h.json")
                else -> arrayOf(o, "x", "SELECT 1")
            }
            withClue(args.toList()) { parseArgs(args) }
        }
        listOf("0 success", "1 SQL error", "2 usage", "3 authentication", "4 statement canceled", "5 other", "6 timed out", "130 interrupted", "141 standard output closed", "143 terminated")
            .forEach { USAGE shouldContain it }
    }

    test("--help, the README and \\help describe the interactive mode's meta-commands, and each of them parses") {
        val readme = File("README.md").readText()
        listOf("\\help", "\\format", "\\timing", "\\d", "\\q", ".dbsql_history", "DBSQL_HISTORY").forEach {
            withClue(it) {
                USAGE shouldContain it
                readme shouldContain it
            }
        }
        listOf("\\format", "\\timing", "\\d", "\\q").forEach { withClue(it) { ReplInput.HELP shouldContain it } }
        listOf("\\help", "\\?", "\\format csv", "\\timing on", "\\timing off", "\\d t", "\\d", "\\q", "quit", "exit").forEach {
            withClue(it) { (ReplInput.parse(it) is ReplCommand.Invalid) shouldBe false }
        }
    }

    test("the README describes the same exit codes") {
        val readme = File("README.md").readText()
        readme shouldContain "141 standard output closed"
        readme shouldContain "--no-truncate"
        readme shouldContain "--null-as"
        (ExitCode.OUTPUT_CLOSED == 141) shouldBe true
    }
})
