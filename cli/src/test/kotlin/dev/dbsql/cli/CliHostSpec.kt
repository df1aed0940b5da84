package dev.dbsql.cli

import dev.dbsql.testing.HostileServer
import dev.dbsql.warehouse.LocalWarehouse
import dev.dbsql.warehouse.faults.Endpoint
import dev.dbsql.warehouse.faults.Fault
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import io.ktor.http.ContentType
import io.ktor.server.request.uri
import io.ktor.server.response.respondText
import java.io.ByteArrayOutputStream
import java.io.PrintStream
import java.nio.file.Files
import java.nio.file.Path
import java.time.Duration

/**
 * `--host` against a server made to collect credentials: the token or client secret configured for
 * another host must never reach it. And `--timeout` against the local warehouse.
 */
class CliHostSpec : FunSpec({
    val secretToken = "dapi-for-a-example-only-0123456789"
    val clientSecret = "sp-secret-for-a-example-only"
    val warehouse = LocalWarehouse.start()
    // answers like a workspace: discovery names a token endpoint on itself, every other call "works"
    val hostile = HostileServer { self ->
        if (request.uri.startsWith("/oidc/")) {
            respondText("""{"token_endpoint":"${self.baseUrl}/oidc/v1/token","access_token":"x","token_type":"Bearer"}""", ContentType.Application.Json)
        } else {
            respondText("""{"statement_id":"s1","status":{"state":"SUCCEEDED"}}""", ContentType.Application.Json)
        }
    }
    afterSpec {
        hostile.close()
        warehouse.close()
    }
    beforeTest { hostile.received.clear() }

    suspend fun run(vararg args: String, env: Map<String, String>, home: Path = Files.createTempDirectory("dbsql-cli-host")): Triple<Int, String, String> {
        val out = ByteArrayOutputStream()
        val err = ByteArrayOutputStream()
        val code = Cli(out, PrintStream(err, true), env, home, errIsTerminal = false).run(arrayOf(*args))
        return Triple(code, out.toString(Charsets.UTF_8), err.toString(Charsets.UTF_8))
    }

    fun noSecretReached(vararg secrets: String) {
        hostile.received.forEach { r -> secrets.forEach { s -> withClue(r.text) { r.text shouldNotContain s } } }
        hostile.received.shouldBeEmpty()
    }

    test("--host with DATABRICKS_HOST/TOKEN of another host fails naming both hosts; the token goes nowhere") {
        val env = mapOf("DATABRICKS_HOST" to "https://a.example", "DATABRICKS_TOKEN" to secretToken, "DATABRICKS_WAREHOUSE_ID" to "w1")
        val (code, _, err) = run("--host", hostile.baseUrl, "SELECT 1", env = env)
        code shouldBe ExitCode.AUTH
        err shouldContain "https://a.example"
        err shouldContain hostile.baseUrl
        err shouldNotContain secretToken
        noSecretReached(secretToken)
    }

    test("--host with DATABRICKS_CLIENT_ID/SECRET of another host: no discovery, no token request") {
        val env = mapOf(
            "DATABRICKS_HOST" to "https://a.example", "DATABRICKS_CLIENT_ID" to "sp",
            "DATABRICKS_CLIENT_SECRET" to clientSecret, "DATABRICKS_WAREHOUSE_ID" to "w1",
        )
        val (code, _, err) = run("--host", hostile.baseUrl, "SELECT 1", env = env)
        code shouldBe ExitCode.AUTH
        err shouldContain "https://a.example"
        err shouldContain hostile.baseUrl
        noSecretReached(clientSecret)
    }

    test("--host with a profile of another host fails too") {
        val home = Files.createTempDirectory("dbsql-cli-host")
        Files.writeString(home.resolve(".databrickscfg"), "[DEFAULT]\nhost = https://a.example\ntoken = $secretToken\nwarehouse_id = w1\n")
        val (code, _, err) = run("--host", hostile.baseUrl, "SELECT 1", env = emptyMap(), home = home)
        code shouldBe ExitCode.AUTH
        err shouldContain "https://a.example"
        err shouldContain hostile.baseUrl
        noSecretReached(secretToken)
    }

    test("--host works without DATABRICKS_HOST: the environment's token is for the host given") {
        val env = mapOf("DATABRICKS_TOKEN" to warehouse.token, "DATABRICKS_WAREHOUSE_ID" to warehouse.warehouseId)
        val (code, out, err) = run("--host", warehouse.baseUrl, "--format", "csv", "SELECT 7 AS seven", env = env)
        withClue(err) { code shouldBe 0 }
        out.trim().lines() shouldBe listOf("seven", "7")
    }

    test("--host picks the profile bound to that host, not DATABRICKS_HOST's credentials") {
        val home = Files.createTempDirectory("dbsql-cli-host")
        Files.writeString(
            home.resolve(".databrickscfg"),
            "[DEFAULT]\nhost = https://a.example\ntoken = $secretToken\n\n[local]\nhost = ${warehouse.baseUrl}\ntoken = ${warehouse.token}\nwarehouse_id = ${warehouse.warehouseId}\n",
        )
        val env = mapOf("DATABRICKS_HOST" to "https://a.example", "DATABRICKS_TOKEN" to secretToken)
        val (code, out, err) = run("--host", warehouse.baseUrl, "--format", "csv", "SELECT 8 AS eight", env = env, home = home)
        withClue(err) { code shouldBe 0 }
        out.trim().lines() shouldBe listOf("eight", "8")
        warehouse.admin.requests().forEach { it.toString() shouldNotContain secretToken }
    }

    test("--timeout cancels a statement that runs too long, on the server, and exits 6") {
        val rule = warehouse.faults.inject(Endpoint.QUERY, Fault.Delay(600_000))
        try {
            val sql = "SELECT 'held by the fault plan' AS x"
            val env = mapOf("DATABRICKS_HOST" to warehouse.baseUrl, "DATABRICKS_TOKEN" to warehouse.token, "DATABRICKS_WAREHOUSE_ID" to warehouse.warehouseId)
            val (code, _, err) = run("--timeout", "2s", sql, env = env)
            withClue(err) { code shouldBe ExitCode.TIMEOUT }
            err shouldContain "timed out after 2s"
            err shouldNotContain "Deferred"
            val id = warehouse.admin.statementsWithText(sql).single().id
            warehouse.admin.awaitCancel(id, Duration.ofSeconds(30)).cancelArrived shouldBe true
        } finally {
            warehouse.faults.remove(rule)
        }
    }

    test("--timeout needs a positive duration") {
        run("--timeout", "soon", "SELECT 1", env = emptyMap()).let { (code, _, err) -> code shouldBe ExitCode.USAGE; err shouldContain "--timeout" }
        run("--timeout", "0s", "SELECT 1", env = emptyMap()).first shouldBe ExitCode.USAGE
        parseTimeout("90") shouldBe kotlin.time.Duration.parse("90s")
        parseTimeout("1h 30m") shouldBe kotlin.time.Duration.parse("90m")
    }
})
