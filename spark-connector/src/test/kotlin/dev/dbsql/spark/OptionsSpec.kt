package dev.dbsql.spark

import dev.dbsql.auth.AuthConfig
import dev.dbsql.auth.SecretRef
import dev.dbsql.core.ConfigurationException
import dev.dbsql.core.clientConfig
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain

/** The data source's options: auth by reference only, one statement, sizes and parameters. */
class OptionsSpec : FunSpec({
    val where = mapOf("host" to "https://example.cloud.databricks.com", "warehouse" to "abc123")

    test("a token (or password, or client secret) in plain options is refused, naming what to use instead") {
        for (key in listOf("token", "Password", "clientSecret")) {
            val e = shouldThrow<ConfigurationException> { DbsqlReadOptions.parse(where + mapOf("query" to "SELECT 1", key to "dapi-secret")) }
            e.message shouldContain "tokenEnv"
            e.message shouldNotContain "dapi-secret"
        }
    }

    test("a config JSON holding an inline secret is refused; one with references is accepted") {
        val inline = clientConfig { host = where["host"]; warehouse = "abc123"; auth = pat("dapi-inline") }
        shouldThrow<ConfigurationException> {
            DbsqlReadOptions.parse(mapOf("query" to "SELECT 1", "config" to inline.toJson(includeSecrets = true)))
        }.message shouldNotContain "dapi-inline"
        val byRef = clientConfig { host = where["host"]; warehouse = "abc123"; auth = pat(SecretRef.Env("MY_TOKEN")) }
        DbsqlReadOptions.parse(mapOf("query" to "SELECT 1", "config" to byRef.toJson())).config shouldBe byRef
    }

    test("auth references: tokenEnv, profile, clientId + clientSecretEnv, default chain") {
        DbsqlReadOptions.parse(where + mapOf("dbtable" to "t", "tokenEnv" to "TOK")).config.auth shouldBe AuthConfig.Pat(SecretRef.Env("TOK"))
        DbsqlReadOptions.parse(where + mapOf("dbtable" to "t", "profile" to "p")).config.auth shouldBe AuthConfig.Profile("p", null)
        DbsqlReadOptions.parse(where + mapOf("dbtable" to "t", "clientId" to "sp", "clientSecretEnv" to "SEC")).config.auth shouldBe
            AuthConfig.OAuthM2M("sp", SecretRef.Env("SEC"))
        DbsqlReadOptions.parse(where + mapOf("dbtable" to "t")).config.auth shouldBe AuthConfig.DefaultChain
        shouldThrow<ConfigurationException> { DbsqlReadOptions.parse(where + mapOf("dbtable" to "t", "profile" to "p", "tokenEnv" to "T")) }
    }

    test("exactly one of query and dbtable; dbtable is read whole") {
        shouldThrow<ConfigurationException> { DbsqlReadOptions.parse(where) }
        shouldThrow<ConfigurationException> { DbsqlReadOptions.parse(where + mapOf("query" to "SELECT 1", "dbtable" to "t")) }
        shouldThrow<ConfigurationException> { DbsqlReadOptions.parse(where + mapOf("dbtable" to "t; DROP TABLE x")) }
        DbsqlReadOptions.parse(where + mapOf("dbtable" to "main.s.t")).sql shouldBe "SELECT * FROM main.s.t"
    }

    test("sizes, bounds and parameters") {
        val o = DbsqlReadOptions.parse(
            where + mapOf("query" to "SELECT :a, :b", "partitionBytes" to "64m", "memoryBudgetBytes" to "1g", "param.a" to "1", "paramType.a" to "INT", "param.b" to "x"),
        )
        o.partitionBytes shouldBe (64L shl 20)
        o.read.memoryBudgetBytes shouldBe (1L shl 30)
        o.parameters.list.map { Triple(it.name, it.value, it.type) } shouldBe listOf(Triple("a", "1", "INT"), Triple("b", "x", "STRING"))
        shouldThrow<ConfigurationException> { DbsqlReadOptions.parse(where + mapOf("query" to "q", "partitionBytes" to "lots")) }
        shouldThrow<ConfigurationException> { DbsqlReadOptions.parse(where + mapOf("query" to "q", "concurrency" to "0")) }
        shouldThrow<ConfigurationException> { DbsqlReadOptions.parse(where + mapOf("query" to "q", "paramType.z" to "INT")) }
    }
})
