package dev.dbsql.core.unit

import dev.dbsql.core.ProtocolException
import dev.dbsql.core.ResultCompression
import dev.dbsql.core.ResultFormat
import dev.dbsql.core.StatementState
import dev.dbsql.core.internal.Mapping
import dev.dbsql.core.internal.ProtocolJson
import dev.dbsql.core.internal.RetryAfter
import dev.dbsql.core.internal.StatementResponseDto
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import java.time.Instant
import kotlin.time.Duration.Companion.seconds

class ProtocolModelsSpec : FunSpec({
    fun parse(json: String) = ProtocolJson.decodeFromString(StatementResponseDto.serializer(), json)

    test("a hybrid Arrow response maps to the public manifest and decoded attachment") {
        val r = parse(
            """{"statement_id":"s1","status":{"state":"SUCCEEDED"},"future_field":{"x":1},
               "manifest":{"format":"ARROW_STREAM","schema":{"column_count":2,"columns":[
                 {"name":"id","type_text":"INT","type_name":"INT","position":0},
                 {"name":"p","type_text":"DECIMAL(7,2)","type_name":"DECIMAL","position":1,"type_precision":7,"type_scale":2},
                 {"name":"g","type_text":"GEOGRAPHY(4326)","type_name":"GEOGRAPHY","position":2}]},
                 "total_chunk_count":1,"chunks":[{"chunk_index":0,"row_offset":0,"row_count":10,"byte_count":1200}],
                 "total_row_count":10,"total_byte_count":1200,"truncated":false,"result_compression":"LZ4_FRAME"},
               "result":{"chunk_index":0,"row_offset":0,"row_count":10,"byte_count":3,"attachment":"AQID"}}""",
        )
        val m = Mapping.manifest(r.manifest!!, r.statementId)
        m.format shouldBe ResultFormat.ARROW_STREAM
        m.compression shouldBe ResultCompression.LZ4_FRAME
        m.columns[1].precision shouldBe 7
        m.columns[2].typeName shouldBe "GEOGRAPHY"
        m.chunks.single().byteCount shouldBe 1200L
        val d = Mapping.resultData(r.result!!, r.statementId)
        d.attachment!!.toList() shouldBe listOf<Byte>(1, 2, 3)
        d.rowCount shouldBe 10L
    }

    test("inline JSON cells and external links map; link toString hides the signature") {
        val r = parse(
            """{"statement_id":"s2","status":{"state":"SUCCEEDED"},
               "manifest":{"format":"JSON_ARRAY","schema":{"column_count":1,"columns":[{"name":"a","type_text":"STRING","type_name":"STRING","position":0}]},
                 "total_chunk_count":2,"total_row_count":3,"truncated":true},
               "result":{"chunk_index":0,"row_offset":0,"row_count":2,"data_array":[["x"],[null]],"next_chunk_index":1,
                 "external_links":[{"chunk_index":1,"row_offset":2,"row_count":1,"byte_count":9,
                   "external_link":"https://h/p?sig=SECRET","expiration":"2025-03-10T19:01:07.305Z","http_headers":{"x-key":"KEYVALUE"}}]}}""",
        )
        val m = Mapping.manifest(r.manifest!!, "s2")
        m.compression shouldBe ResultCompression.NONE
        m.truncated shouldBe true
        m.totalByteCount shouldBe null
        val d = Mapping.resultData(r.result!!, "s2")
        d.dataArray shouldBe listOf(listOf("x"), listOf(null))
        d.nextChunkIndex shouldBe 1
        val link = d.externalLinks.single()
        link.expiration shouldBe Instant.parse("2025-03-10T19:01:07.305Z")
        link.httpHeaders["x-key"] shouldBe "KEYVALUE"
        link.toString() shouldNotContain "SECRET"
        link.toString() shouldNotContain "KEYVALUE"
    }

    test("unknown states and numeric error codes are tolerated") {
        val r = parse("""{"statement_id":"s3","status":{"state":"QUEUED_SOMEWHERE","error":{"error_code":403,"message":"m"}}}""")
        StatementState.of(r.status.state) shouldBe StatementState.UNKNOWN
        r.status.error!!.errorCode.toString() shouldBe "403"
        StatementState.of("CANCELED") shouldBe StatementState.CANCELED
    }

    test("an unknown result format is a ProtocolException naming it") {
        val r = parse("""{"statement_id":"s4","status":{"state":"SUCCEEDED"},"manifest":{"format":"PARQUET","total_chunk_count":0}}""")
        shouldThrow<ProtocolException> { Mapping.manifest(r.manifest!!, "s4") }.message shouldContain "PARQUET"
    }

    test("Retry-After in seconds and as an HTTP date") {
        RetryAfter.parse("7") shouldBe 7.seconds
        RetryAfter.parse("Wed, 21 Oct 2015 07:28:30 GMT", Instant.parse("2015-10-21T07:28:00Z")) shouldBe 30.seconds
        RetryAfter.parse("Wed, 21 Oct 2015 07:28:00 GMT", Instant.parse("2015-10-21T07:29:00Z")) shouldBe 0.seconds
        RetryAfter.parse("soon") shouldBe null
        RetryAfter.parse(null) shouldBe null
    }
})
