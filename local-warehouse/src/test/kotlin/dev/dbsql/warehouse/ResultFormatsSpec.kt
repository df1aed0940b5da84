package dev.dbsql.warehouse

import dev.dbsql.warehouse.support.TestHttp
import dev.dbsql.warehouse.support.arr
import dev.dbsql.warehouse.support.cells
import dev.dbsql.warehouse.support.int
import dev.dbsql.warehouse.support.long
import dev.dbsql.warehouse.support.lz4Decompress
import dev.dbsql.warehouse.support.obj
import dev.dbsql.warehouse.support.readArrowLongs
import dev.dbsql.warehouse.support.state
import dev.dbsql.warehouse.support.str
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldEndWith
import io.kotest.matchers.string.shouldStartWith
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.boolean
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import java.time.Instant
import java.util.Base64

class ResultFormatsSpec : FunSpec({
    val warehouse = LocalWarehouse.start(WarehouseConfig(chunkRows = 1000))
    val http = TestHttp(warehouse)
    afterSpec {
        http.close()
        warehouse.close()
    }

    suspend fun linksOf(json: JsonObject): List<JsonObject> = json.obj("result").arr("external_links").map { it.jsonObject }

    suspend fun chunkLinks(id: String, index: Int): List<JsonObject> {
        val reply = http.get("/api/2.0/sql/statements/$id/result/chunks/$index")
        reply.status shouldBe 200
        return reply.json.arr("external_links").map { it.jsonObject }
    }

    test("INLINE JSON_ARRAY puts the whole result in chunk 0 with a complete manifest") {
        val json = http.execute("SELECT id, CAST(id AS DECIMAL(10,2)) AS price FROM range(2500) t").json
        json.state() shouldBe "SUCCEEDED"
        val manifest = json.obj("manifest")
        manifest.int("total_chunk_count") shouldBe 1
        manifest.long("total_row_count") shouldBe 2500
        manifest.containsKey("total_byte_count") shouldBe false
        manifest["truncated"]!!.jsonPrimitive.boolean shouldBe false
        manifest.containsKey("result_compression") shouldBe false
        val chunk = manifest.arr("chunks").single().jsonObject
        chunk.containsKey("byte_count") shouldBe false
        chunk.long("row_count") shouldBe 2500
        val columns = manifest.obj("schema").arr("columns").map { it.jsonObject }
        manifest.obj("schema").int("column_count") shouldBe 2
        columns[0].str("name") shouldBe "id"
        columns[0].str("type_name") shouldBe "LONG"
        columns[0].int("position") shouldBe 0
        columns[1].str("type_text") shouldBe "DECIMAL(10,2)"
        columns[1].int("type_precision") shouldBe 10
        columns[1].int("type_scale") shouldBe 2
        val result = json.obj("result")
        result.int("chunk_index") shouldBe 0
        result.long("row_offset") shouldBe 0
        result.long("row_count") shouldBe 2500
        result.containsKey("next_chunk_index") shouldBe false
        val rows = result.arr("data_array").cells()
        rows.size shouldBe 2500
        rows[1234] shouldBe listOf("1234", "1234.00")
    }

    test("an empty result has no chunks and an empty result object") {
        val json = http.execute("SELECT id FROM range(0) t").json
        json.state() shouldBe "SUCCEEDED"
        json.obj("manifest").int("total_chunk_count") shouldBe 0
        json.obj("manifest").containsKey("chunks") shouldBe false
        json.obj("result") shouldBe JsonObject(emptyMap())
    }

    test("EXTERNAL_LINKS + ARROW_STREAM: chunk 0's link first, the rest via the chunk endpoint, data complete") {
        val json = http.execute("SELECT * FROM range(2500)", "\"disposition\":\"EXTERNAL_LINKS\",\"format\":\"ARROW_STREAM\"").json
        val manifest = json.obj("manifest")
        manifest.str("format") shouldBe "ARROW_STREAM"
        manifest.int("total_chunk_count") shouldBe 3
        val chunks = manifest.arr("chunks").map { it.jsonObject }
        chunks.map { it.long("row_offset") } shouldBe listOf(0L, 1000L, 2000L)
        chunks.sumOf { it.long("byte_count") } shouldBe manifest.long("total_byte_count")
        val first = linksOf(json).single()
        first.int("chunk_index") shouldBe 0
        first.int("next_chunk_index") shouldBe 1
        first.str("next_chunk_internal_link") shouldBe "/api/2.0/sql/statements/${json.str("statement_id")}/result/chunks/1"
        first.str("expiration") shouldEndWith "Z"
        val expiresIn = Instant.parse(first.str("expiration")).toEpochMilli() - System.currentTimeMillis()
        (expiresIn in 14 * 60_000L..15 * 60_000L) shouldBe true
        val id = json.str("statement_id")
        val all = listOf(first) + chunkLinks(id, 1) + chunkLinks(id, 2)
        all.map { it.int("chunk_index") } shouldBe listOf(0, 1, 2)
        all.last().containsKey("next_chunk_index") shouldBe false
        val values = all.flatMap { link ->
            val download = http.download(link)
            download.status shouldBe 200
            download.bytes.size.toLong() shouldBe link.long("byte_count")
            download.headers["Content-Length"] shouldBe link.long("byte_count").toString()
            readArrowLongs(download.bytes)
        }
        values shouldBe (0L until 2500L).toList()
    }

    test("LZ4_FRAME: links carry compressed bytes, manifest chunks the uncompressed size") {
        val json = http.execute(
            "SELECT * FROM range(2500)",
            "\"disposition\":\"EXTERNAL_LINKS\",\"format\":\"ARROW_STREAM\",\"result_compression\":\"LZ4_FRAME\"",
        ).json
        val manifest = json.obj("manifest")
        manifest.str("result_compression") shouldBe "LZ4_FRAME"
        val id = json.str("statement_id")
        val chunks = manifest.arr("chunks").map { it.jsonObject }
        val links = linksOf(json) + chunkLinks(id, 1) + chunkLinks(id, 2)
        val values = links.flatMap { link ->
            val compressed = http.download(link).bytes
            compressed.size.toLong() shouldBe link.long("byte_count")
            compressed.copyOfRange(0, 4) shouldBe byteArrayOf(0x04, 0x22, 0x4D, 0x18)
            val arrow = lz4Decompress(compressed)
            arrow.size.toLong() shouldBe chunks[link.int("chunk_index")].long("byte_count")
            readArrowLongs(arrow)
        }
        values shouldBe (0L until 2500L).toList()
    }

    test("EXTERNAL_LINKS + JSON_ARRAY and CSV serve text files; LZ4 is not applied to them") {
        val jsonLinks = http.execute("SELECT * FROM range(1500)", "\"disposition\":\"EXTERNAL_LINKS\",\"format\":\"JSON_ARRAY\",\"result_compression\":\"LZ4_FRAME\"").json
        jsonLinks.obj("manifest").containsKey("result_compression") shouldBe false
        val firstFile = http.download(linksOf(jsonLinks).single()).text
        Json.parseToJsonElement(firstFile).cells().first() shouldBe listOf("0")
        val csv = http.execute("SELECT id, 'x' AS s FROM range(1500) t", "\"disposition\":\"EXTERNAL_LINKS\",\"format\":\"CSV\"").json
        val id = csv.str("statement_id")
        val first = http.download(linksOf(csv).single()).text
        first shouldStartWith "id,s"
        val second = http.download(chunkLinks(id, 1).single()).text
        second shouldStartWith "1000,x"
    }

    test("hybrid, small: one base64 Arrow attachment with row_count and byte_count") {
        val json = http.execute(
            "SELECT * FROM range(10)",
            "\"disposition\":\"INLINE_OR_EXTERNAL_LINKS\",\"format\":\"ARROW_STREAM\",\"result_compression\":\"LZ4_FRAME\"",
        ).json
        val result = json.obj("result")
        result.long("row_count") shouldBe 10
        val bytes = Base64.getDecoder().decode(result.str("attachment"))
        bytes.size.toLong() shouldBe result.long("byte_count")
        val arrow = lz4Decompress(bytes)
        arrow.size.toLong() shouldBe json.obj("manifest").arr("chunks")[0].jsonObject.long("byte_count")
        readArrowLongs(arrow) shouldBe (0L until 10L).toList()
    }

    test("hybrid, large: every link in the first response, next_chunk_index on all but the last") {
        val json = http.execute("SELECT * FROM range(3500)", "\"disposition\":\"INLINE_OR_EXTERNAL_LINKS\",\"format\":\"ARROW_STREAM\"").json
        val links = linksOf(json)
        links.map { it.int("chunk_index") } shouldBe listOf(0, 1, 2, 3)
        links.dropLast(1).map { it.int("next_chunk_index") } shouldBe listOf(1, 2, 3)
        links.last().containsKey("next_chunk_index") shouldBe false
        links.flatMap { readArrowLongs(http.download(it).bytes) } shouldBe (0L until 3500L).toList()
    }

    test("hybrid with session conf can_cloud_download=false: inline attachment chunks only, paged") {
        val session = http.post(
            "/api/2.0/sql/warehouses/${warehouse.warehouseId}/sessions",
            """{"schema":"default","execution_mode":"FAST","session_confs":{"CAN_CLOUD_DOWNLOAD":"false"}}""",
        ).json.str("session_id")
        val json = http.execute("SELECT * FROM range(2500)", "\"session_id\":\"$session\",\"disposition\":\"INLINE_OR_EXTERNAL_LINKS\",\"format\":\"ARROW_STREAM\"").json
        val id = json.str("statement_id")
        var result = json.obj("result")
        val values = ArrayList<Long>()
        while (true) {
            result.containsKey("external_links") shouldBe false
            values += readArrowLongs(Base64.getDecoder().decode(result.str("attachment")))
            val next = result["next_chunk_index"]?.jsonPrimitive?.content ?: break
            result = http.get("/api/2.0/sql/statements/$id/result/chunks/$next").json
        }
        values shouldBe (0L until 2500L).toList()
    }

    test("row_limit and byte_limit cut the result and set truncated") {
        val limited = http.execute("SELECT * FROM range(100)", "\"row_limit\": 7").json
        limited.obj("manifest").long("total_row_count") shouldBe 7
        limited.obj("manifest")["truncated"]!!.jsonPrimitive.boolean shouldBe true
        limited.obj("result").arr("data_array").size shouldBe 7
        val exact = http.execute("SELECT * FROM range(7)", "\"row_limit\": 7").json
        exact.obj("manifest")["truncated"]!!.jsonPrimitive.boolean shouldBe false
        val bytes = http.execute("SELECT * FROM range(100000)", "\"byte_limit\": 20000,\"disposition\":\"EXTERNAL_LINKS\",\"format\":\"ARROW_STREAM\"").json
        bytes.obj("manifest")["truncated"]!!.jsonPrimitive.boolean shouldBe true
        (bytes.obj("manifest").long("total_row_count") < 100000) shouldBe true
    }

    test("disposition / format combinations the service refuses answer 400") {
        for (format in listOf("ARROW_STREAM", "CSV")) {
            val reply = http.execute("SELECT 1", "\"disposition\":\"INLINE\",\"format\":\"$format\"")
            reply.status shouldBe 400
            reply.json.str("error_code") shouldBe "INVALID_PARAMETER_VALUE"
            reply.json.str("message") shouldContain "INLINE"
        }
    }
})
