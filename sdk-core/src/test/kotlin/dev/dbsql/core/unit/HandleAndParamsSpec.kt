package dev.dbsql.core.unit

import dev.dbsql.core.ColumnInfo
import dev.dbsql.core.ConfigurationException
import dev.dbsql.core.InvalidHandleException
import dev.dbsql.core.SqlParameter
import dev.dbsql.core.StatementHandle
import dev.dbsql.core.StatementParameters
import dev.dbsql.core.internal.MetadataSql
import dev.dbsql.core.params
import dev.dbsql.core.typed
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import java.math.BigDecimal
import java.time.Instant
import java.time.LocalDate
import java.time.LocalDateTime

class HandleAndParamsSpec : FunSpec({
    test("a handle round-trips through versioned JSON, progress included") {
        val h = StatementHandle("https://h.example.com", "w1", "01ef-1", Instant.parse("2025-01-02T03:04:05.678Z"), "nightly")
            .withProgress("nextChunk", "3")
        val json = h.toJson()
        json shouldContain "\"version\":1"
        StatementHandle.fromJson(json) shouldBe h
    }

    test("unknown versions and garbage give clear errors") {
        val json = StatementHandle("https://h", "w", "s", Instant.EPOCH).toJson()
        shouldThrow<InvalidHandleException> { StatementHandle.fromJson(json.replace("\"version\":1", "\"version\":9")) }
            .message shouldContain "version 9 is not supported"
        shouldThrow<InvalidHandleException> { StatementHandle.fromJson("[]") }
        shouldThrow<InvalidHandleException> { StatementHandle.fromJson("""{"version":1,"host":"h"}""") }
        shouldThrow<InvalidHandleException> { StatementHandle.fromJson(json.replace("1970-01-01T00:00:00Z", "yesterday")) }
    }

    test("parameters are typed from Kotlin values, typed nulls keep their type") {
        val p = params {
            "s" to "x"
            "i" to 5
            "l" to 5L
            "sh" to 5.toShort()
            "b" to 5.toByte()
            "d" to 1.5
            "f" to 1.5f
            "dec" to BigDecimal("123.45")
            "bool" to true
            "date" to LocalDate.of(2024, 2, 29)
            "ts" to Instant.parse("2024-01-01T10:00:00.123456Z")
            "ntz" to LocalDateTime.of(2024, 1, 1, 10, 0)
            "n" to (null as Int?)
            "over" to typed("1.5", "DECIMAL(3,1)")
            "bin" to byteArrayOf(1, 2, -1)
        }.list.associateBy { it.name }
        fun check(name: String, value: String?, type: String) {
            p.getValue(name).value shouldBe value
            p.getValue(name).type shouldBe type
        }
        check("s", "x", "STRING"); check("i", "5", "INT"); check("l", "5", "BIGINT"); check("sh", "5", "SMALLINT")
        check("b", "5", "TINYINT"); check("d", "1.5", "DOUBLE"); check("f", "1.5", "FLOAT")
        check("dec", "123.45", "DECIMAL(5,2)"); check("bool", "true", "BOOLEAN"); check("date", "2024-02-29", "DATE")
        check("ts", "2024-01-01T10:00:00.123456Z", "TIMESTAMP"); check("ntz", "2024-01-01T10:00:00", "TIMESTAMP_NTZ")
        check("n", null, "INT"); check("over", "1.5", "DECIMAL(3,1)"); check("bin", "AQL/", "BINARY")
    }

    test("positional parameters get 1-based ordinals") {
        val p = StatementParameters.positional(1, "a", LocalDate.of(2020, 1, 1)).list
        p.map { it.ordinal } shouldBe listOf(1, 2, 3)
        p.map { it.type } shouldBe listOf("INT", "STRING", "DATE")
    }

    test("bad parameters fail clearly") {
        shouldThrow<ConfigurationException> { SqlParameter.named("x", null) }.message shouldContain "a null needs a type"
        shouldThrow<ConfigurationException> { SqlParameter.named("x", Any()) }.field shouldBe "parameters.x"
        shouldThrow<ConfigurationException> { SqlParameter.named("bad name", 1) }
        shouldThrow<ConfigurationException> { params { "a" to 1; "a" to 2 } }.message shouldContain "twice"
        val many = (1..257).map { SqlParameter.named("p$it", it) }
        shouldThrow<ConfigurationException> { StatementParameters(many) }.message shouldContain "at most 256"
        StatementParameters(many.take(256)).list.size shouldBe 256
    }

    test("metadata SQL quotes identifiers and converts LIKE patterns") {
        MetadataSql.schemas("ma`in", "def%") shouldBe "SHOW SCHEMAS IN `ma``in` LIKE 'def*'"
        MetadataSql.columns("c", null, "t_1", null) shouldBe "SHOW COLUMNS IN CATALOG `c` TABLE LIKE 't.1'"
        MetadataSql.literal("it's") shouldBe "'it\\'s'"
        val cols = listOf(ColumnInfo("a b", "STRING", "STRING", 0, null, null, null), ColumnInfo("n", "INT", "INT", 1, null, null, null))
        MetadataSql.literalTable(cols, listOf(listOf("x'", null))) shouldBe
            "SELECT CAST(c0 AS STRING) AS `a b`, CAST(c1 AS INT) AS `n` FROM (VALUES ('x\\'', NULL)) AS v(c0, c1)"
        MetadataSql.literalTable(cols, emptyList()) shouldBe "SELECT CAST(NULL AS STRING) AS `a b`, CAST(NULL AS INT) AS `n` WHERE false"
    }
})
