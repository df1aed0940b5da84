package dev.dbsql.auth

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import java.nio.file.Files

/** An explicit host resolves only credentials bound to it (or given without a host). */
class HostBindingSpec : FunSpec({
    val other = "https://a.example"
    val mine = "https://mine.example"

    fun home(config: String? = null) = tempDir().also { dir -> config?.let { Files.writeString(dir.resolve(".databrickscfg"), it) } }

    test("environment bound to another host is refused, both hosts named") {
        val env = mapOf("DATABRICKS_HOST" to other, "DATABRICKS_TOKEN" to "t-secret-1")
        val e = shouldThrow<CredentialsNotFoundException> { WorkspaceSettings.resolve(env = env, homeDir = home(), host = mine) }
        e.message shouldContain other
        e.message shouldContain mine
        e.message shouldNotContain "t-secret-1"
    }

    test("environment without DATABRICKS_HOST applies to the explicit host") {
        val s = WorkspaceSettings.resolve(env = mapOf("DATABRICKS_TOKEN" to "t"), homeDir = home(), host = "$mine/")
        s.host shouldBe mine
        s.auth shouldBe AuthConfig.Pat(SecretRef.Env("DATABRICKS_TOKEN"))
    }

    test("the profile whose host is the explicit host is chosen; the default profile of another host is not") {
        val dir = home("[DEFAULT]\nhost = $other\ntoken = x\n\n[work]\nhost = mine.example/\ntoken = y\n")
        val s = WorkspaceSettings.resolve(env = emptyMap(), homeDir = dir, host = mine)
        s.auth shouldBe AuthConfig.Profile("work", null)
        s.host shouldBe mine
        val e = shouldThrow<CredentialsNotFoundException> { WorkspaceSettings.resolve(env = emptyMap(), homeDir = dir, host = "https://third.example") }
        e.message shouldContain "https://third.example"
        e.message shouldContain "DEFAULT: $other"
        shouldThrow<CredentialsNotFoundException> { WorkspaceSettings.resolve(env = emptyMap(), homeDir = dir, profile = "DEFAULT", host = mine) }
            .message shouldContain other
    }

    test("the default chain with a host uses the matching profile") {
        val dir = home("[DEFAULT]\nhost = $other\ntoken = other-token\n\n[work]\nhost = $mine\ntoken = my-token\n")
        DefaultChainProvider(host = mine, context = CredentialsContext(env = emptyMap(), homeDir = dir)).use { p ->
            p.token().value shouldBe "my-token"
        }
    }

    test("a host with user information is refused without showing the password") {
        val e = shouldThrow<CredentialsException> {
            WorkspaceSettings.resolve(env = mapOf("DATABRICKS_HOST" to "https://u:pw-secret-9@mine.example", "DATABRICKS_TOKEN" to "t"), homeDir = home())
        }
        e.message shouldNotContain "pw-secret-9"
        e.suppressed.forEach { it.message.orEmpty() shouldNotContain "pw-secret-9" }
    }
})
