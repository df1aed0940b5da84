package dev.dbsql.warehouse

import dev.dbsql.warehouse.staging.VolumeSettings
import dev.dbsql.warehouse.support.TestHttp
import dev.dbsql.warehouse.support.arr
import dev.dbsql.warehouse.support.cells
import dev.dbsql.warehouse.support.obj
import dev.dbsql.warehouse.support.state
import dev.dbsql.warehouse.support.str
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldStartWith
import io.ktor.client.request.header
import io.ktor.client.request.setBody
import io.ktor.http.HttpMethod
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import kotlinx.serialization.json.boolean
import java.nio.file.Files
import java.time.Duration

class StagingSpec : FunSpec({
    val root = Files.createTempDirectory("staging-spec")
    val warehouse = LocalWarehouse.start(WarehouseConfig(volumes = VolumeSettings(root = root, maxFileBytes = 1024)))
    val expiring = LocalWarehouse.start(WarehouseConfig(volumes = VolumeSettings(root = root, urlLifetime = Duration.ZERO)))
    val http = TestHttp(warehouse)
    afterSpec {
        http.close()
        warehouse.close()
        expiring.close()
        root.toFile().deleteRecursively()
    }

    /** Runs a staging statement and returns (manifest, the one row as column → value). */
    suspend fun stage(sql: String, on: TestHttp = http): Pair<JsonObject, Map<String, String?>> {
        val json = on.execute(sql, "\"disposition\":\"INLINE\",\"format\":\"JSON_ARRAY\"").json
        json.state() shouldBe "SUCCEEDED"
        val manifest = json.obj("manifest")
        val names = manifest.obj("schema").arr("columns").map { it.jsonObject.str("name") }
        val row = json.obj("result")["data_array"]!!.cells().single()
        return manifest to names.zip(row).toMap()
    }

    suspend fun send(method: HttpMethod, row: Map<String, String?>, body: ByteArray? = null, auth: Boolean = false, headers: Boolean = true) =
        http.call(method, row["presignedUrl"]!!, token = if (auth) warehouse.token else null) {
            if (headers) Json.parseToJsonElement(row["headers"]!!).jsonObject.forEach { (k, v) -> header(k, v.jsonPrimitive.content) }
            if (body != null) setBody(body)
        }

    test("PUT, LIST, GET and REMOVE round trip through presigned URLs") {
        val (manifest, put) = stage("PUT '/tmp/a.csv' INTO '/Volumes/main/s/v/dir/a.csv'")
        manifest["is_volume_operation"]!!.jsonPrimitive.boolean shouldBe true
        put["operation"] shouldBe "PUT"
        put["localFile"] shouldBe "/tmp/a.csv"
        put["presignedUrl"]!! shouldStartWith "${warehouse.baseUrl}/files/volumes/put?"
        send(HttpMethod.Put, put, "1,2\n".toByteArray()).status shouldBe 200
        Files.readString(root.resolve("main/s/v/dir/a.csv")) shouldBe "1,2\n"

        val list = http.execute("LIST '/Volumes/main/s/v/dir'", "\"disposition\":\"INLINE\",\"format\":\"JSON_ARRAY\"").json
        list.obj("manifest")["is_volume_operation"] shouldBe null
        val rows = list.obj("result")["data_array"]!!.cells()
        rows.map { it.take(3) } shouldBe listOf(listOf("/Volumes/main/s/v/dir/a.csv", "a.csv", "4"))

        val (_, get) = stage("GET '/Volumes/main/s/v/dir/a.csv' TO '/tmp/b.csv'")
        get["operation"] shouldBe "GET"
        send(HttpMethod.Get, get).text shouldBe "1,2\n"

        val (_, remove) = stage("REMOVE '/Volumes/main/s/v/dir/a.csv'")
        remove["localFile"] shouldBe null
        send(HttpMethod.Delete, remove).status shouldBe 204
        Files.exists(root.resolve("main/s/v/dir/a.csv")) shouldBe false
    }

    test("a presigned URL refuses Authorization, missing headers, a changed path and an upload over the size limit") {
        val (_, put) = stage("PUT 'x' INTO '/Volumes/main/s/v/b.bin' OVERWRITE")
        send(HttpMethod.Put, put, ByteArray(3), auth = true).let { it.status shouldBe 403; it.text shouldContain "Authorization" }
        send(HttpMethod.Put, put, ByteArray(3), headers = false).status shouldBe 403
        send(HttpMethod.Put, put.plus("presignedUrl" to put["presignedUrl"]!!.replace("b.bin", "c.bin")), ByteArray(3)).status shouldBe 403
        send(HttpMethod.Put, put, ByteArray(1025)).status shouldBe 413
        Files.exists(root.resolve("main/s/v/b.bin")) shouldBe false
        Files.list(root.resolve("main/s/v")).use { s -> s.filter { it.fileName.toString().startsWith(".upload-") }.count() } shouldBe 0L
    }

    test("an expired URL is refused with 403 'Request has expired'") {
        TestHttp(expiring).use { other ->
            val (_, put) = stage("PUT 'x' INTO '/Volumes/main/s/v/late.bin'", other)
            val reply = other.call(HttpMethod.Put, put["presignedUrl"]!!, token = null) {
                Json.parseToJsonElement(put["headers"]!!).jsonObject.forEach { (k, v) -> header(k, v.jsonPrimitive.content) }
                setBody(ByteArray(1))
            }
            reply.status shouldBe 403
            reply.text shouldContain "Request has expired"
        }
    }

    test("volume paths that leave the volume, existing files without OVERWRITE and missing files fail the statement") {
        suspend fun error(sql: String): String {
            val json = http.execute(sql, "\"disposition\":\"INLINE\",\"format\":\"JSON_ARRAY\"").json
            json.state() shouldBe "FAILED"
            return json.obj("status").obj("error").str("message")
        }
        error("PUT 'x' INTO '/Volumes/main/s/v/../../../../etc/passwd'") shouldContain "INVALID_VOLUME_PATH"
        error("PUT 'x' INTO '/Volumes/main/s'") shouldContain "INVALID_VOLUME_PATH"
        error("GET '/tmp/x' TO 'y'") shouldContain "INVALID_VOLUME_PATH"
        error("GET '/Volumes/main/s/v/missing' TO 'y'") shouldContain "FILE_NOT_FOUND"
        Files.createDirectories(root.resolve("main/s/v"))
        Files.writeString(root.resolve("main/s/v/exists.txt"), "x")
        error("PUT 'x' INTO '/Volumes/main/s/v/exists.txt'") shouldContain "FILE_ALREADY_EXISTS"
        val outside = Files.createTempDirectory("outside")
        Files.createSymbolicLink(root.resolve("main/s/v/link"), outside)
        error("PUT 'x' INTO '/Volumes/main/s/v/link/f'") shouldContain "INVALID_VOLUME_PATH"
        outside.toFile().deleteRecursively()
    }

    test("LIST of an empty directory answers no rows with the four columns") {
        Files.createDirectories(root.resolve("main/s/empty"))
        val json = http.execute("LIST '/Volumes/main/s/empty/'", "\"disposition\":\"INLINE\",\"format\":\"JSON_ARRAY\"").json
        json.state() shouldBe "SUCCEEDED"
        json.obj("manifest").obj("schema").arr("columns").map { it.jsonObject.str("name") } shouldBe
            listOf("path", "name", "size", "modification_time")
        json.obj("manifest").str("total_row_count") shouldBe "0"
    }
})
