package dev.dbsql.warehouse

import dev.dbsql.warehouse.faults.Endpoint
import dev.dbsql.warehouse.support.TestHttp
import dev.dbsql.warehouse.support.arr
import dev.dbsql.warehouse.support.obj
import dev.dbsql.warehouse.support.readArrowLongs
import dev.dbsql.warehouse.support.str
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.ktor.client.request.header
import io.ktor.http.HttpMethod
import kotlinx.coroutines.delay
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.jsonObject
import java.time.Duration
import java.time.Instant

class LinksSpec : FunSpec({
    val warehouse = LocalWarehouse.start(WarehouseConfig(chunkRows = 1000, linkLifetime = Duration.ofSeconds(2), linkHeaders = true))
    val http = TestHttp(warehouse)
    afterSpec {
        http.close()
        warehouse.close()
    }

    suspend fun firstLink(rows: Int = 1500): Pair<String, JsonObject> {
        val json = http.execute("SELECT * FROM range($rows)", "\"disposition\":\"EXTERNAL_LINKS\",\"format\":\"ARROW_STREAM\"").json
        return json.str("statement_id") to json.obj("result").arr("external_links")[0].jsonObject
    }

    test("links carry http_headers; the download with them succeeds and is logged without Authorization") {
        val (id, link) = firstLink()
        link.obj("http_headers").keys shouldBe setOf(
            "x-amz-server-side-encryption-customer-key", "x-amz-server-side-encryption-customer-algorithm",
        )
        warehouse.admin.resetRequests()
        readArrowLongs(http.download(link).bytes) shouldBe (0L until 1000L).toList()
        val logged = warehouse.admin.requests(Endpoint.DOWNLOAD).single()
        logged.authorizationPresent shouldBe false
        logged.statementId shouldBe id
        logged.status shouldBe 200
        logged.headerNames.contains("x-amz-server-side-encryption-customer-key") shouldBe true
        warehouse.admin.downloadCount shouldBe 1
    }

    test("a download without the required http_headers is refused with 403") {
        val (_, link) = firstLink()
        val reply = http.download(link, withHeaders = false)
        reply.status shouldBe 403
        reply.text shouldContain "http_headers"
    }

    test("a download carrying an Authorization header is refused with 403 and logged as such") {
        val (_, link) = firstLink()
        warehouse.admin.resetRequests()
        val reply = http.call(HttpMethod.Get, link.str("external_link"), token = warehouse.token) {
            link.obj("http_headers").forEach { (k, v) -> header(k, (v as kotlinx.serialization.json.JsonPrimitive).content) }
        }
        reply.status shouldBe 403
        reply.text shouldContain "Authorization"
        warehouse.admin.requests(Endpoint.DOWNLOAD).single().authorizationPresent shouldBe true
    }

    test("a tampered signature, chunk index or expiry is refused with 403") {
        val (_, link) = firstLink()
        val url = link.str("external_link")
        val headers: io.ktor.client.request.HttpRequestBuilder.() -> Unit = {
            link.obj("http_headers").forEach { (k, v) -> header(k, (v as kotlinx.serialization.json.JsonPrimitive).content) }
        }
        val badSig = url.replace(Regex("signature=([0-9a-f])")) { m -> "signature=" + (if (m.groupValues[1] == "0") "1" else "0") }
        http.call(HttpMethod.Get, badSig, token = null, extra = headers).status shouldBe 403
        val laterExpiry = url.replace(Regex("expires=(\\d+)")) { m -> "expires=" + (m.groupValues[1].toLong() + 60_000) }
        http.call(HttpMethod.Get, laterExpiry, token = null, extra = headers).status shouldBe 403
        val otherChunk = url.replace(Regex("/0\\?"), "/1?")
        http.call(HttpMethod.Get, otherChunk, token = null, extra = headers).status shouldBe 403
    }

    test("an expired link is refused with 403; the chunk endpoint hands out a fresh one") {
        val (id, link) = firstLink()
        val expiry = Instant.parse(link.str("expiration"))
        while (!Instant.now().isAfter(expiry)) delay(50)
        val expired = http.download(link)
        expired.status shouldBe 403
        expired.text shouldContain "expired"
        val fresh = http.get("/api/2.0/sql/statements/$id/result/chunks/0").json.arr("external_links")[0].jsonObject
        (fresh.str("external_link") != link.str("external_link")) shouldBe true
        http.download(fresh).status shouldBe 200
    }

    test("links of a closed statement answer 404 like a deleted object") {
        val (id, link) = firstLink()
        http.delete("/api/2.0/sql/statements/$id").status shouldBe 200
        http.download(link).status shouldBe 404
    }
})
