package dev.dbsql.auth

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldHaveSize
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import java.nio.file.Files
import java.nio.file.Path

class DefaultChainSpec : FunSpec({
    val warehouse = startWarehouse()
    val http = testHttpClient()
    afterSpec {
        http.close()
        warehouse.close()
    }

    fun home(cfg: String? = null): Path = tempDir().also { dir ->
        if (cfg != null) Files.writeString(dir.resolve(".databrickscfg"), cfg.trimIndent())
    }

    fun chain(env: Map<String, String>, home: Path, explicit: AuthConfig? = null, host: String? = null) =
        DefaultChainProvider(explicit, host, context = CredentialsContext(env = env, homeDir = home, browser = noBrowser))

    test("environment variables: PAT") {
        chain(mapOf("DATABRICKS_HOST" to warehouse.baseUrl, "DATABRICKS_TOKEN" to warehouse.token), home()).use { p ->
            http.selectOne(warehouse, p.token()) shouldBe "SUCCEEDED"
            p.selectedSource shouldBe "environment variables"
            p.name shouldBe "pat"
        }
    }

    test("a profile with a service principal: OAuth M2M") {
        val cfg = "[DEFAULT]\nhost = ${warehouse.baseUrl}/\nclient_id = $SP_ID\nclient_secret = $SP_SECRET\n"
        chain(emptyMap(), home(cfg)).use { p ->
            http.selectOne(warehouse, p.token()) shouldBe "SUCCEEDED"
            p.selectedSource shouldBe "config profile"
            p.name shouldBe "oauth-m2m"
        }
    }

    test("a source that is configured but fails is skipped for the next one") {
        val env = mapOf(
            "DATABRICKS_HOST" to warehouse.baseUrl,
            "DATABRICKS_CLIENT_ID" to SP_ID,
            "DATABRICKS_CLIENT_SECRET" to "not-the-secret",
        )
        chain(env, home("[DEFAULT]\nhost = ${warehouse.baseUrl}\ntoken = ${warehouse.token}\n")).use { p ->
            http.selectOne(warehouse, p.token()) shouldBe "SUCCEEDED"
            p.selectedSource shouldBe "config profile"
        }
    }

    test("the explicit configuration comes first") {
        val env = mapOf("DATABRICKS_HOST" to warehouse.baseUrl, "DATABRICKS_TOKEN" to "dapi-from-env")
        chain(env, home(), explicit = AuthConfig.Pat(SecretRef.Inline(warehouse.token)), host = warehouse.baseUrl).use { p ->
            p.token().value shouldBe warehouse.token
            p.selectedSource shouldBe "explicit configuration"
        }
    }

    test("nothing works: one error lists every source, each failure suppressed") {
        val env = mapOf("DATABRICKS_HOST" to "https://other.example.com", "DATABRICKS_TOKEN" to "t")
        chain(env, home(), host = warehouse.baseUrl).use { p ->
            val e = shouldThrow<CredentialsNotFoundException> { p.token() }
            e.message!! shouldContain "no credentials found; tried:"
            e.message!! shouldContain "explicit configuration: none given"
            e.message!! shouldContain "environment variables: its host https://other.example.com differs from the configured host"
            e.message!! shouldContain "config profile: config file"
            e.message!! shouldContain "databricks CLI login: the Databricks CLI token cache"
            e.suppressed.toList() shouldHaveSize 4
            p.toString() shouldContain "explicit configuration -> environment variables -> config profile -> databricks CLI login"
        }
    }

    test("a requested profile skips the environment; the factory builds Profile, Environment and DefaultChain") {
        val cfg = "[ws]\nhost = ${warehouse.baseUrl}\ntoken = ${warehouse.token}\n"
        val dir = home(cfg)
        val env = mapOf("DATABRICKS_CONFIG_PROFILE" to "ws", "DATABRICKS_HOST" to warehouse.baseUrl, "DATABRICKS_TOKEN" to "dapi-env")
        val context = CredentialsContext(env = env, homeDir = dir, browser = noBrowser)
        CredentialsFactory.create(AuthConfig.DefaultChain, null, context).token().value shouldBe warehouse.token
        CredentialsFactory.create(AuthConfig.Profile("ws"), null, context).token().value shouldBe warehouse.token
        CredentialsFactory.create(AuthConfig.Environment, null, context).token().value shouldBe "dapi-env"
        shouldThrow<CredentialsException> {
            CredentialsFactory.create(AuthConfig.Profile("ws"), "https://elsewhere.example.com", context)
        }.message!! shouldContain "differs from the configured host"
    }
})
