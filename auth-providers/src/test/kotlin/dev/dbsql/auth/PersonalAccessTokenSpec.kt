package dev.dbsql.auth

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.launch

class PersonalAccessTokenSpec : FunSpec({
    val warehouse = startWarehouse()
    val http = testHttpClient()
    afterSpec {
        http.close()
        warehouse.close()
    }

    test("a PAT authenticates a statement; update rotates it for later calls") {
        val provider = PersonalAccessTokenProvider(warehouse.token)
        http.selectOne(warehouse, provider.token()) shouldBe "SUCCEEDED"
        warehouse.tokens.addStatic("dapi-rotated-token")
        provider.update("dapi-rotated-token")
        provider.token().value shouldBe "dapi-rotated-token"
        http.selectOne(warehouse, provider.token()) shouldBe "SUCCEEDED"
        provider.update("dapi-unknown-token")
        http.selectOne(warehouse, provider.token()) shouldBe "HTTP 403"
    }

    test("update is thread-safe: readers always see one of the written tokens") {
        val provider = PersonalAccessTokenProvider("t-0")
        val written = (0..200).map { "t-$it" }.toSet()
        coroutineScope {
            launch(Dispatchers.Default) { (1..200).forEach { provider.update("t-$it") } }
            val seen = (1..4).map { async(Dispatchers.Default) { (1..2000).map { provider.token().value } } }.awaitAll()
            seen.flatten().all { it in written } shouldBe true
        }
        provider.token().value shouldBe "t-200"
    }

    test("blank tokens are refused; toString hides the token") {
        shouldThrow<IllegalArgumentException> { PersonalAccessTokenProvider(" ") }
        PersonalAccessTokenProvider("dapi-secret").toString() shouldBe "PersonalAccessTokenProvider(token=***)"
        CredentialsFactory.create(AuthConfig.Pat(SecretRef.Env("T")), null, CredentialsContext(env = mapOf("T" to "x")))
            .token().value shouldBe "x"
    }
})
