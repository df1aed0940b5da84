package dev.dbsql.auth

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.engine.spec.tempdir
import io.kotest.matchers.collections.shouldHaveSize
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import java.nio.file.Files
import java.nio.file.Path

class WorkspaceSettingsSpec : FunSpec({
    fun home(cfg: String?): Path {
        val dir = tempdir().toPath()
        if (cfg != null) Files.writeString(dir.resolve(".databrickscfg"), cfg.trimIndent())
        return dir
    }

    val sample = """
        # a comment
        ; another comment
        [DEFAULT]
        host  = my-workspace.cloud.databricks.com/
        token = dapi-default-secret

        [sp-dev]
        HOST          = https://sp.cloud.databricks.com//
        client_id     = sp-id
        client_secret = sp-secret-value
        warehouse_id: abc123

        [browser]
        host      = http://127.0.0.1:8443/
        auth_type = external-browser

        [__settings__]
        default_profile = sp-dev
    """

    test("environment variables come first and hold references only") {
        val s = WorkspaceSettings.resolve(
            env = mapOf("DATABRICKS_HOST" to "ws.example.com", "DATABRICKS_TOKEN" to "dapi-env", "DATABRICKS_WAREHOUSE_ID" to "w1"),
            homeDir = home(sample),
        )
        s.host shouldBe "https://ws.example.com"
        s.warehouseId shouldBe "w1"
        s.auth shouldBe AuthConfig.Pat(SecretRef.Env("DATABRICKS_TOKEN"))
        s.source shouldBe "environment variables"
    }

    test("client id and secret in the environment give OAuth M2M") {
        val s = WorkspaceSettings.resolve(
            env = mapOf("DATABRICKS_HOST" to "https://ws/", "DATABRICKS_CLIENT_ID" to "id", "DATABRICKS_CLIENT_SECRET" to "s"),
            homeDir = home(null),
        )
        s.auth shouldBe AuthConfig.OAuthM2M("id", SecretRef.Env("DATABRICKS_CLIENT_SECRET"))
    }

    test("[__settings__] default_profile picks the profile; comments, key case and ':' are handled") {
        val s = WorkspaceSettings.resolve(env = emptyMap(), homeDir = home(sample))
        s.host shouldBe "https://sp.cloud.databricks.com"
        s.warehouseId shouldBe "abc123"
        s.auth shouldBe AuthConfig.Profile("sp-dev", null)
        s.source shouldContain "profile 'sp-dev'"
    }

    test("DATABRICKS_CONFIG_PROFILE and an explicit profile win; DATABRICKS_WAREHOUSE_ID beats the file") {
        val dir = home(sample)
        val byEnv = WorkspaceSettings.resolve(
            env = mapOf("DATABRICKS_CONFIG_PROFILE" to "DEFAULT", "DATABRICKS_TOKEN" to "ignored", "DATABRICKS_WAREHOUSE_ID" to "w9"),
            homeDir = dir,
        )
        byEnv.host shouldBe "https://my-workspace.cloud.databricks.com"
        byEnv.auth shouldBe AuthConfig.Profile("DEFAULT", null)
        byEnv.warehouseId shouldBe "w9"
        WorkspaceSettings.resolve(env = emptyMap(), homeDir = dir, profile = "browser").host shouldBe "http://127.0.0.1:8443"
    }

    test("without [__settings__] the DEFAULT profile is used; DATABRICKS_CONFIG_FILE moves the file") {
        val dir = tempdir().toPath()
        val file = dir.resolve("other.cfg")
        Files.writeString(file, "[DEFAULT]\nhost = h.example.com\ntoken = t\n")
        val s = WorkspaceSettings.resolve(env = mapOf("DATABRICKS_CONFIG_FILE" to file.toString()), homeDir = dir)
        s.host shouldBe "https://h.example.com"
        WorkspaceSettings.resolve(env = emptyMap(), homeDir = dir, configFile = file).host shouldBe "https://h.example.com"
    }

    test("nothing configured: one error lists each source, each failure suppressed") {
        val e = shouldThrow<CredentialsNotFoundException> { WorkspaceSettings.resolve(env = emptyMap(), homeDir = home(null)) }
        e.message!! shouldContain "environment variables: DATABRICKS_HOST is not set"
        e.message!! shouldContain "config profile: config file"
        e.message!! shouldContain "does not exist"
        e.suppressed.toList() shouldHaveSize 2
        e.suppressed[1]::class shouldBe ConfigFileException::class
    }

    test("a missing profile names the profiles that exist") {
        val e = shouldThrow<CredentialsNotFoundException> {
            WorkspaceSettings.resolve(env = emptyMap(), homeDir = home(sample), profile = "prod")
        }
        e.message!! shouldContain "profile 'prod' not found"
        e.message!! shouldContain "(profiles: DEFAULT, sp-dev, browser)"
        e.suppressed.toList() shouldHaveSize 1
    }

    test("malformed files give the line number and never echo the line") {
        val e = shouldThrow<CredentialsNotFoundException> {
            WorkspaceSettings.resolve(env = emptyMap(), homeDir = home("[DEFAULT]\nhost = h\nthis-line-has-secret-xyz\n"))
        }
        e.message!! shouldContain "line 3: expected 'key = value'"
        e.message!! shouldNotContain "secret-xyz"
        val outside = shouldThrow<CredentialsNotFoundException> {
            WorkspaceSettings.resolve(env = emptyMap(), homeDir = home("token = abc\n[DEFAULT]\n"))
        }
        outside.message!! shouldContain "'token' appears before any [section]"
        outside.message!! shouldNotContain "abc"
        val header = shouldThrow<CredentialsNotFoundException> {
            WorkspaceSettings.resolve(env = emptyMap(), homeDir = home("[DEFAULT\nhost = h\n"))
        }
        header.message!! shouldContain "line 1: a section header must end with ']'"
    }

    test("incomplete or ambiguous credentials are explained") {
        val noSecret = shouldThrow<CredentialsNotFoundException> {
            WorkspaceSettings.resolve(env = mapOf("DATABRICKS_HOST" to "h", "DATABRICKS_CLIENT_ID" to "id"), homeDir = home(null))
        }
        noSecret.message!! shouldContain "DATABRICKS_CLIENT_ID is set but DATABRICKS_CLIENT_SECRET is not"
        val both = shouldThrow<CredentialsNotFoundException> {
            WorkspaceSettings.resolve(env = emptyMap(), homeDir = home("[DEFAULT]\nhost=h\ntoken=t\nclient_id=i\nclient_secret=s\n"))
        }
        both.message!! shouldContain "both token and client_id/client_secret are set"
        val noHost = shouldThrow<CredentialsNotFoundException> {
            WorkspaceSettings.resolve(env = emptyMap(), homeDir = home("[DEFAULT]\ntoken=t\n"))
        }
        noHost.message!! shouldContain "host is not set"
        val badScheme = shouldThrow<CredentialsNotFoundException> {
            WorkspaceSettings.resolve(env = emptyMap(), homeDir = home("[DEFAULT]\nhost=ftp://h\ntoken=t\n"))
        }
        badScheme.message!! shouldContain "must use http or https"
    }
})
