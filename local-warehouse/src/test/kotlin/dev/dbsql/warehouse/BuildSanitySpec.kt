package dev.dbsql.warehouse

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import kotlinx.serialization.Serializable
import kotlinx.serialization.json.Json

@Serializable
private data class Probe(val a: Int, val b: String? = null)

class BuildSanitySpec : FunSpec({
    test("serialization plugin is active") {
        Json.decodeFromString<Probe>("""{"a":1}""") shouldBe Probe(1)
    }
})
