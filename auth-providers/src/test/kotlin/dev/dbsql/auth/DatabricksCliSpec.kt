package dev.dbsql.auth

import dev.dbsql.warehouse.LocalWarehouse
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.shouldNotBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import io.ktor.client.HttpClient
import io.ktor.client.engine.cio.CIO
import io.ktor.client.request.forms.submitForm
import io.ktor.client.request.get
import io.ktor.client.statement.bodyAsText
import io.ktor.http.Url
import io.ktor.http.parameters
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.int
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import kotlinx.serialization.json.put
import kotlinx.serialization.json.putJsonObject
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.attribute.PosixFilePermissions
import java.security.MessageDigest
import java.time.Instant
import java.util.Base64

/** `databricks-cli`: reuse of the Databricks CLI's token cache (and its `auth token` command) against the local warehouse. */
class DatabricksCliSpec : FunSpec({
    val warehouse = startWarehouse()
    val http = testHttpClient()
    val counters = warehouse.oauth.counters
    afterSpec {
        http.close()
        warehouse.close()
    }
    beforeTest { counters.reset() }

    /** What `databricks auth login` obtains: an authorization-code login of client databricks-cli with offline_access. */
    suspend fun cliLogin(on: LocalWarehouse = warehouse): Pair<String, String> {
        HttpClient(CIO) { expectSuccess = false; followRedirects = false }.use { client ->
            val verifier = "v".repeat(50)
            val challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256").digest(verifier.toByteArray()))
            val redirect = "http://localhost:8020"
            val location = client.get("${on.baseUrl}/oidc/v1/authorize") {
                url.parameters.apply {
                    append("response_type", "code")
                    append("client_id", "databricks-cli")
                    append("redirect_uri", redirect)
                    append("scope", "all-apis offline_access")
                    append("state", "s")
                    append("code_challenge", challenge)
                    append("code_challenge_method", "S256")
                }
            }.headers["Location"]!!
            val code = Url(location).parameters["code"]!!
            val body = client.submitForm(
                "${on.baseUrl}/oidc/v1/token",
                parameters {
                    append("grant_type", "authorization_code")
                    append("code", code)
                    append("redirect_uri", redirect)
                    append("code_verifier", verifier)
                    append("client_id", "databricks-cli")
                },
            ).bodyAsText()
            val json = Json.parseToJsonElement(body).jsonObject
            return json["access_token"]!!.jsonPrimitive.content to json["refresh_token"]!!.jsonPrimitive.content
        }
    }

    fun entry(access: String, refresh: String?, expiry: Instant) = buildJsonObject {
        put("access_token", access)
        put("token_type", "Bearer")
        refresh?.let { put("refresh_token", it) }
        put("expiry", expiry.toString())
    }

    fun writeCache(home: Path, tokens: Map<String, JsonObject>, version: Int = 1): Path {
        val dir = home.resolve(".databricks")
        Files.createDirectories(dir)
        val file = dir.resolve("token-cache.json")
        val root = buildJsonObject {
            put("version", version)
            putJsonObject("tokens") { tokens.forEach { (k, v) -> put(k, v) } }
        }
        Files.writeString(file, root.toString())
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"))
        return file
    }

    fun readCache(file: Path) = Json.parseToJsonElement(Files.readString(file)).jsonObject

    fun context(home: Path, env: Map<String, String> = emptyMap()) = CredentialsContext(env = mapOf("PATH" to "") + env, homeDir = home)

    val host = warehouse.baseUrl
    val later = Instant.now().plusSeconds(3600)
    val earlier = Instant.now().minusSeconds(60)

    test("a valid cached token of the CLI is used as is: no token request") {
        val (access, refresh) = cliLogin()
        val home = tempDir()
        writeCache(home, mapOf(host to entry(access, refresh, later)))
        counters.reset()
        CredentialsFactory.create(AuthConfig.DatabricksCli(), host, context(home)).let { p ->
            p.name shouldBe "databricks-cli"
            http.selectOne(warehouse, p.token()) shouldBe "SUCCEEDED"
            (p as AutoCloseable).close()
        }
        counters.tokenRequestsTotal shouldBe 0
    }

    test("an expired token is refreshed and written back in the CLI's format; other entries and fields are kept") {
        val (access, refresh) = cliLogin()
        val home = tempDir()
        val other = entry("other-access", "other-refresh", later)
        val mine = JsonObject(entry(access, refresh, earlier) + ("extra_field" to kotlinx.serialization.json.JsonPrimitive("kept")))
        val file = writeCache(home, mapOf(host to mine, "https://other.example.com" to other, "dev" to entry(access, refresh, earlier)))
        counters.reset()
        val p = CredentialsFactory.create(AuthConfig.DatabricksCli(), host, context(home))
        val token = p.token()
        http.selectOne(warehouse, token) shouldBe "SUCCEEDED"
        counters.tokenRequests("refresh_token") shouldBe 1
        (p as AutoCloseable).close()

        val root = readCache(file)
        root["version"]!!.jsonPrimitive.int shouldBe 1
        val tokens = root["tokens"]!!.jsonObject
        val updated = tokens[host]!!.jsonObject
        updated["access_token"]!!.jsonPrimitive.content shouldBe token.value
        val rotated = updated["refresh_token"]!!.jsonPrimitive.content
        rotated shouldNotBe refresh
        Instant.parse(updated["expiry"]!!.jsonPrimitive.content).isAfter(Instant.now()) shouldBe true
        updated["extra_field"]!!.jsonPrimitive.content shouldBe "kept"
        // the profile-keyed copy of the same login (newer CLIs write both) gets the rotated token too
        tokens["dev"]!!.jsonObject["refresh_token"]!!.jsonPrimitive.content shouldBe rotated
        tokens["https://other.example.com"] shouldBe other
        Files.getPosixFilePermissions(file) shouldBe PosixFilePermissions.fromString("rw-------")
        Files.list(file.parent).use { it.count() } shouldBe 1L

        // the CLI (or another process) continues from the rotated refresh token
        writeCache(home, mapOf(host to entry(token.value, rotated, earlier)))
        CredentialsFactory.create(AuthConfig.DatabricksCli(), host, context(home)).let {
            http.selectOne(warehouse, it.token()) shouldBe "SUCCEEDED"
            (it as AutoCloseable).close()
        }
        counters.tokenRequests("refresh_token") shouldBe 2
    }

    test("a profile with auth_type = databricks-cli uses the profile-keyed token; so does DATABRICKS_AUTH_TYPE") {
        val (access, refresh) = cliLogin()
        val home = tempDir()
        writeCache(home, mapOf("dev" to entry(access, refresh, later)))
        Files.writeString(home.resolve(".databrickscfg"), "[dev]\nhost = $host\nauth_type = databricks-cli\n")
        CredentialsFactory.create(AuthConfig.Profile("dev"), null, context(home)).let {
            http.selectOne(warehouse, it.token()) shouldBe "SUCCEEDED"
            (it as AutoCloseable).close()
        }
        val hostHome = tempDir()
        writeCache(hostHome, mapOf(host to entry(access, refresh, later)))
        val env = mapOf("DATABRICKS_HOST" to host, "DATABRICKS_AUTH_TYPE" to "databricks-cli")
        CredentialsFactory.create(AuthConfig.Environment, null, context(hostHome, env)).let {
            http.selectOne(warehouse, it.token()) shouldBe "SUCCEEDED"
            (it as AutoCloseable).close()
        }
        counters.tokenRequests("refresh_token") shouldBe 0
    }

    test("the default chain falls back to the CLI login for DATABRICKS_HOST") {
        val (access, refresh) = cliLogin()
        val home = tempDir()
        writeCache(home, mapOf(host to entry(access, refresh, later)))
        DefaultChainProvider(context = context(home, mapOf("DATABRICKS_HOST" to host))).use { chain ->
            http.selectOne(warehouse, chain.token()) shouldBe "SUCCEEDED"
            chain.selectedSource shouldBe "databricks CLI login"
        }
    }

    test("no login, a refused refresh token, or another format version: errors say what to do, without tokens") {
        val home = tempDir()
        writeCache(home, mapOf("https://other.example.com" to entry("a", "r", later)))
        val none = shouldThrow<CredentialsException> { DatabricksCliProvider(host, cacheFile = DatabricksCliProvider.defaultCacheFile(home)).use { it.token() } }
        none.message!! shouldContain "databricks auth login --host $host"

        writeCache(home, mapOf(host to entry("expired-access", "bogus-refresh-token", earlier)))
        val refused = shouldThrow<CredentialsException> { DatabricksCliProvider(host, cacheFile = DatabricksCliProvider.defaultCacheFile(home)).use { it.token() } }
        refused.message!! shouldContain "refused"
        refused.message!! shouldNotContain "bogus-refresh-token"

        writeCache(home, emptyMap(), version = 2)
        val version = shouldThrow<CredentialsException> { DatabricksCliProvider(host, cacheFile = DatabricksCliProvider.defaultCacheFile(home)).use { it.token() } }
        version.message!! shouldContain "version 2"
    }

    context("the CLI's `auth token` command when the cache has nothing") {
        /** A fake `databricks` (at least 1 MiB, as the SDKs require of the new CLI) that records its arguments. */
        fun fakeCli(dir: Path, script: String): Path {
            val cli = dir.resolve("databricks")
            Files.writeString(cli, "#!/bin/sh\n$script\nexit 0\n" + "#".repeat(1024) + "\n" + ("#" + "x".repeat(1023) + "\n").repeat(1024))
            Files.setPosixFilePermissions(cli, PosixFilePermissions.fromString("rwx------"))
            return cli
        }

        test("`databricks auth token --host` is run and its token used; with a profile, --profile") {
            val pat = "dapi-fake-cli-token-0123"
            warehouse.tokens.addStatic(pat)
            val bin = tempDir()
            val args = bin.resolve("args")
            fakeCli(bin, "echo \"$@\" >> '$args'\necho '{\"access_token\":\"$pat\",\"token_type\":\"Bearer\",\"expiry\":\"${later}\"}'")
            val home = tempDir()
            CredentialsFactory.create(AuthConfig.DatabricksCli(), host, CredentialsContext(env = mapOf("PATH" to bin.toString()), homeDir = home)).let {
                http.selectOne(warehouse, it.token()) shouldBe "SUCCEEDED"
                (it as AutoCloseable).close()
            }
            Files.readString(args).trim() shouldBe "auth token --host $host"
            DatabricksCliProvider(host, profile = "dev", cacheFile = DatabricksCliProvider.defaultCacheFile(home), cli = DatabricksCliProvider.findCli(null, bin.toString())).use {
                it.token().value shouldBe pat
            }
            Files.readAllLines(args).last() shouldBe "auth token --profile dev"
        }

        test("a failing command reports its exit code and stderr; a small legacy `databricks` is not used") {
            val bin = tempDir()
            fakeCli(bin, "echo 'cannot refresh: please log in again' >&2\nexit 3")
            val e = shouldThrow<CredentialsException> {
                DatabricksCliProvider(host, cacheFile = DatabricksCliProvider.defaultCacheFile(tempDir()), cli = DatabricksCliProvider.findCli(null, bin.toString())).use { it.token() }
            }
            e.message!! shouldContain "exit code 3"
            e.message!! shouldContain "please log in again"

            val legacy = tempDir()
            Files.writeString(legacy.resolve("databricks"), "#!/bin/sh\necho legacy\n")
            Files.setPosixFilePermissions(legacy.resolve("databricks"), PosixFilePermissions.fromString("rwx------"))
            DatabricksCliProvider.findCli(null, legacy.toString()) shouldBe null
        }
    }
})
