package dev.dbsql.auth

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import kotlinx.serialization.Serializable
import kotlinx.serialization.SerializationException
import kotlinx.serialization.json.Json

@Serializable
private data class Holder(val name: String, val auth: AuthConfig)

class AuthConfigSerializationSpec : FunSpec({
    val secret = "s3cr3t-value-never-printed"

    test("every serializable variant round-trips") {
        val configs = listOf(
            AuthConfig.Pat(SecretRef.Env("DATABRICKS_TOKEN")),
            AuthConfig.OAuthM2M("sp", SecretRef.Env("SP_SECRET"), listOf("sql")),
            AuthConfig.OAuthU2M(redirectPort = 0, cacheDir = "/tmp/c"),
            AuthConfig.Profile("dev", "/etc/cfg"),
            AuthConfig.Environment,
            AuthConfig.DefaultChain,
        )
        configs.forEach { AuthConfig.fromJson(it.toJson()) shouldBe it }
        AuthConfig.Environment.toJson() shouldBe """{"type":"environment"}"""
    }

    test("inline secrets are redacted by default and refused when read back") {
        val config = AuthConfig.OAuthM2M("sp", SecretRef.Inline(secret))
        val json = config.toJson()
        json shouldNotContain secret
        json shouldContain "\"***\""
        config.toString() shouldNotContain secret
        AuthConfig.Pat(SecretRef.Inline(secret)).toString() shouldBe "Pat(token=Inline(***))"
        val e = shouldThrow<SerializationException> { AuthConfig.fromJson(json) }
        e.message!! shouldContain "redacted"
        e.message!! shouldContain "includeSecrets = true"
    }

    test("secrets are written only when asked for explicitly") {
        val config = AuthConfig.Pat(SecretRef.Inline(secret))
        val json = config.toJson(includeSecrets = true)
        json shouldContain secret
        AuthConfig.fromJson(json) shouldBe config
        val holder = Holder("x", config)
        Json.encodeToString(Holder.serializer(), holder) shouldNotContain secret
        val trusted = Json { serializersModule = AuthSerialization.includeSecretsModule }
        val clear = trusted.encodeToString(Holder.serializer(), holder)
        clear shouldContain secret
        Json.decodeFromString(Holder.serializer(), clear) shouldBe holder
    }

    test("an External config cannot be serialized, with a clear message") {
        val external = AuthConfig.External { AccessToken(secret) }
        val e = shouldThrow<SerializationException> { external.toJson() }
        e.message!! shouldContain "in-process token callback"
        shouldThrow<SerializationException> { Json.encodeToString(Holder.serializer(), Holder("x", external)) }
        external.toString() shouldBe "External(name=external)"
    }

    test("unknown types and empty secrets are refused") {
        shouldThrow<SerializationException> { AuthConfig.fromJson("""{"type":"kerberos"}""") }
        shouldThrow<SerializationException> { AuthConfig.fromJson("""{"type":"pat","token":{"type":"inline","value":""}}""") }
        shouldThrow<IllegalArgumentException> { SecretRef.Inline("") }
    }

    test("secret references resolve against the given environment, naming the variable when absent") {
        SecretRef.Env("X").resolve(mapOf("X" to "v")) shouldBe "v"
        val e = shouldThrow<CredentialsException> { SecretRef.Env("MISSING_VAR").resolve(emptyMap()) }
        e.message shouldBe "environment variable MISSING_VAR is not set"
    }
})
