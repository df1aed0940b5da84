package dev.dbsql.auth

import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import java.io.ByteArrayOutputStream
import java.io.PrintStream
import java.nio.file.Files

/**
 * Runs every provider (successes and failures) with this module's debug logging on, captures
 * everything printed, and checks that no secret or token appears in the output, in error messages,
 * in `toString` or in default serialization.
 */
class NoSecretLeakSpec : FunSpec({
    val warehouse = startWarehouse()
    val http = testHttpClient()
    afterSpec {
        http.close()
        warehouse.close()
    }

    test("no secret in logs, messages, toString or default JSON") {
        val secrets = mutableListOf(SP_SECRET, warehouse.token, "wrong-secret-1234")
        val texts = mutableListOf<String>()
        val captured = ByteArrayOutputStream()
        val (out, err) = System.out to System.err
        val tee = PrintStream(captured, true)
        System.setOut(tee)
        System.setErr(tee)
        try {
            OAuthM2MProvider(warehouse.baseUrl, SP_ID, SP_SECRET).use { p ->
                val token = p.token()
                secrets += token.value
                p.invalidate(token)
                secrets += p.token().value
                texts += p.toString() + token.toString()
            }
            OAuthM2MProvider(warehouse.baseUrl, SP_ID, "wrong-secret-1234").use { p ->
                texts += runCatching { p.token() }.exceptionOrNull()!!.toString()
            }
            val dir = tempDir()
            FollowingBrowser().use { browser ->
                OAuthU2MProvider(warehouse.baseUrl, redirectPort = 0, cacheDir = dir, browser = browser).use { p ->
                    val token = p.token()
                    val cache = Json.parseToJsonElement(Files.readString(p.cacheFile!!)).jsonObject
                    secrets += token.value
                    secrets += cache["refresh_token"]!!.jsonPrimitive.content
                    p.invalidate(token)
                    secrets += p.token().value
                    secrets += Json.parseToJsonElement(Files.readString(p.cacheFile!!)).jsonObject["refresh_token"]!!.jsonPrimitive.content
                    texts += p.toString()
                }
            }
            val env = mapOf("DATABRICKS_HOST" to warehouse.baseUrl, "DATABRICKS_CLIENT_ID" to SP_ID, "DATABRICKS_CLIENT_SECRET" to "wrong-secret-1234")
            val context = CredentialsContext(env = env, homeDir = dir, browser = noBrowser)
            DefaultChainProvider(context = context).use { p ->
                texts += runCatching { p.token() }.exceptionOrNull()!!.let { e -> e.toString() + e.suppressed.joinToString { it.toString() } }
                texts += p.toString()
            }
            texts += context.toString()
            val inline = AuthConfig.OAuthM2M(SP_ID, SecretRef.Inline(SP_SECRET))
            texts += inline.toString() + inline.toJson() + AuthConfig.Pat(SecretRef.Inline(warehouse.token)).toJson()
            texts += WorkspaceSettings.resolve(env = env, homeDir = dir).toString()
        } finally {
            System.setOut(out)
            System.setErr(err)
        }
        val output = captured.toString(Charsets.UTF_8)
        withClue("debug logging of the module must be captured") { output shouldContain "requesting a token" }
        (secrets.distinct()).forEach { secret ->
            withClue("captured output") { output shouldNotContain secret }
            texts.forEachIndexed { i, text -> withClue("text #$i") { text shouldNotContain secret } }
        }
    }
})
