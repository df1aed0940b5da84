package dev.dbsql.cli

import dev.dbsql.warehouse.LocalWarehouse
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import java.nio.file.Files

/** `--debug`: an HTTP trace on stderr without secrets. */
class CliDebugSpec : FunSpec({
    test("--debug traces the API calls and never prints the token") {
        LocalWarehouse.start().use { wh ->
            val env = mapOf("DATABRICKS_HOST" to wh.baseUrl, "DATABRICKS_TOKEN" to wh.token, "DATABRICKS_WAREHOUSE_ID" to wh.warehouseId)
            val (code, out, err) = DbsqlProcess.run(Files.createTempDirectory("dbsql-debug").toFile(), env, "--debug", "--format", "csv", "SELECT 3 AS three")
            withClue(err) { code shouldBe 0 }
            out.trim().lines() shouldBe listOf("three", "3")
            err shouldContain "POST /api/2.0/sql/statements"
            err shouldNotContain wh.token
        }
    }

    test("the redaction filter removes tokens, Authorization values and URL queries") {
        val line = "GET https://bucket.example/r/0?X-Amz-Signature=abc&X-Amz-Credential=def Authorization: Bearer dapi123 token=xyz secret-value"
        val redacted = Debug.redact(line, listOf("secret-value"))
        redacted shouldNotContain "abc"
        redacted shouldNotContain "def"
        redacted shouldNotContain "dapi123"
        redacted shouldNotContain "xyz"
        redacted shouldNotContain "secret-value"
        redacted shouldContain "https://bucket.example/r/0?<redacted>"
    }

    test("SQL splitting keeps ; inside literals and comments") {
        SqlScript.split("SELECT 'a;b'; -- c;d\nSELECT \"x;\" ; /* ; */ ;; SELECT `q;` ") shouldBe
            listOf("SELECT 'a;b'", "-- c;d\nSELECT \"x;\"", "SELECT `q;`")
        SqlScript.split(" ; -- only a comment\n") shouldBe emptyList()
        SqlScript.mentions("SELECT :n, ':m'", "n") shouldBe true
        SqlScript.mentions("SELECT :n, ':m'", "m") shouldBe false
    }
})
