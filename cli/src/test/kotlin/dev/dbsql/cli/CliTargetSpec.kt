package dev.dbsql.cli

import dev.dbsql.warehouse.LocalWarehouse
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import java.nio.file.Files

/**
 * Process-level: a configured workspace without a usable credential is an authentication error
 * naming what was tried, never an answer from the embedded warehouse.
 */
class CliTargetSpec : FunSpec({
    fun dir() = Files.createTempDirectory("dbsql-target").toFile()

    test("DATABRICKS_HOST without a token is an authentication error, not a run on the embedded warehouse") {
        for (env in listOf(mapOf("DATABRICKS_HOST" to "https://a.example"), mapOf("DATABRICKS_HOST" to "https://a.example", "DATABRICKS_TOKEN" to ""))) {
            val (code, out, err) = DbsqlProcess.run(dir(), env, "SELECT version()")
            withClue("$env: $err") {
                code shouldBe ExitCode.AUTH
                out shouldBe ""
                err shouldContain "DATABRICKS_HOST"
                err shouldContain "tried:"
                err shouldContain "DATABRICKS_TOKEN"
                err shouldContain "--local"
            }
        }
    }

    test("a ~/.databrickscfg profile without credentials is an authentication error naming the profile") {
        val home = dir()
        home.resolve(".databrickscfg").writeText("[DEFAULT]\nhost = https://a.example\nwarehouse_id = w1\n")
        val (code, out, err) = DbsqlProcess.run(home, emptyMap(), "SELECT 1")
        withClue(err) { code shouldBe ExitCode.AUTH }
        out shouldBe ""
        err shouldContain "DEFAULT"
        err shouldContain ".databrickscfg"
    }

    test("with nothing configured, or --local, the embedded warehouse answers") {
        DbsqlProcess.run(dir(), emptyMap(), "--format", "csv", "SELECT 5 AS five").let { (code, out, err) ->
            withClue(err) { code shouldBe 0 }
            out.trim().lines() shouldBe listOf("five", "5")
        }
        DbsqlProcess.run(dir(), mapOf("DATABRICKS_HOST" to "https://a.example"), "--local", "--format", "csv", "SELECT 6 AS six").let { (code, out, err) ->
            withClue(err) { code shouldBe 0 }
            out.trim().lines() shouldBe listOf("six", "6")
        }
    }

    test("a bad --host is a configuration error (exit 2), not an authentication error") {
        val (code, _, err) = DbsqlProcess.run(dir(), mapOf("DATABRICKS_TOKEN" to "dapi-x"), "--host", "ftp://a.example", "SELECT 1")
        code shouldBe ExitCode.USAGE
        err shouldContain "--host"
        err shouldContain "scheme"
        err shouldNotContain "authentication"
        err shouldNotContain "dapi-x"
    }

    test("--submit on the embedded warehouse is refused with the reason") {
        val (code, out, err) = DbsqlProcess.run(dir(), emptyMap(), "--submit", "SELECT 1")
        code shouldBe ExitCode.USAGE
        out shouldBe ""
        err shouldContain "--submit needs a workspace"
        err shouldContain "stops when this process exits"
    }

    test("SQL from -c, -f, '-' and a pipe; parameters from -p") {
        LocalWarehouse.start().use { wh ->
            val env = mapOf("DATABRICKS_HOST" to wh.baseUrl, "DATABRICKS_TOKEN" to wh.token, "DATABRICKS_WAREHOUSE_ID" to wh.warehouseId)
            val d = dir()
            d.resolve("q.sql").writeText("-- a comment; with a semicolon\nSELECT 'from file' AS src;\n")
            DbsqlProcess.run(d, env, "--format", "csv", "-c", "SELECT 'from -c' AS src").second.trim().lines() shouldBe listOf("src", "from -c")
            DbsqlProcess.run(d, env, "--format", "csv", "-f", "q.sql").second.trim().lines() shouldBe listOf("src", "from file")
            DbsqlProcess.run(d, env, "--format", "csv", "-", stdin = "SELECT 'from dash' AS src").second.trim().lines() shouldBe listOf("src", "from dash")
            DbsqlProcess.run(d, env, "--format", "csv", stdin = "SELECT 'from pipe' AS src;").second.trim().lines() shouldBe listOf("src", "from pipe")
            val (code, out, err) = DbsqlProcess.run(d, env, "--format", "csv", "-p", "n:INT=5", "-p", "s=it's", "SELECT :n + 1 AS n1, :s AS s")
            withClue(err) { code shouldBe 0 }
            out.trim().lines() shouldBe listOf("n1,s", "6,it's")
            DbsqlProcess.run(d, env, "-f", "missing.sql").let { (c, _, e) -> c shouldBe ExitCode.USAGE; e shouldContain "missing.sql: no such file" }
        }
    }
})
