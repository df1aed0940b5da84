package dev.dbsql.warehouse.support

import dev.dbsql.warehouse.LocalWarehouse
import io.ktor.client.HttpClient
import io.ktor.client.engine.cio.CIO
import io.ktor.client.request.HttpRequestBuilder
import io.ktor.client.request.header
import io.ktor.client.request.request
import io.ktor.client.request.setBody
import io.ktor.client.statement.HttpResponse
import io.ktor.client.statement.bodyAsBytes
import io.ktor.http.ContentType
import io.ktor.http.Headers
import io.ktor.http.HttpHeaders
import io.ktor.http.HttpMethod
import io.ktor.http.content.TextContent
import kotlinx.coroutines.delay
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.int
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import kotlinx.serialization.json.long

/** A ktor CIO client that does not throw on error statuses and allows long server-side waits. */
fun testClient(): HttpClient = HttpClient(CIO) {
    expectSuccess = false
    engine { requestTimeout = 120_000 }
}

/** One HTTP answer, read fully. */
class Reply(val status: Int, val headers: Headers, val bytes: ByteArray) {
    val text: String get() = bytes.decodeToString()
    val json: JsonObject get() = Json.parseToJsonElement(text).jsonObject

    override fun toString(): String = "Reply($status, ${text.take(500)})"
}

/** A small SEA client over ktor-client-cio for tests: raw requests, JSON in and out. */
class TestHttp(val warehouse: LocalWarehouse, val client: HttpClient = testClient()) : AutoCloseable {
    val base: String get() = warehouse.baseUrl

    suspend fun call(
        method: HttpMethod,
        path: String,
        body: String? = null,
        token: String? = warehouse.token,
        extra: HttpRequestBuilder.() -> Unit = {},
    ): Reply {
        val url = if (path.startsWith("http")) path else base + path
        val response: HttpResponse = client.request(url) {
            this.method = method
            if (token != null) header(HttpHeaders.Authorization, "Bearer $token")
            if (body != null) setBody(TextContent(body, ContentType.Application.Json))
            extra()
        }
        return Reply(response.status.value, response.headers, response.bodyAsBytes())
    }

    suspend fun post(path: String, body: String = "{}", token: String? = warehouse.token) = call(HttpMethod.Post, path, body, token)

    suspend fun get(path: String, token: String? = warehouse.token) = call(HttpMethod.Get, path, null, token)

    suspend fun delete(path: String, token: String? = warehouse.token) = call(HttpMethod.Delete, path, null, token)

    /** Executes [sql] with extra request fields (JSON text without braces, e.g. `"wait_timeout":"0s"`). */
    suspend fun execute(sql: String, fields: String = ""): Reply {
        val statement = Json.encodeToString(JsonPrimitive.serializer(), JsonPrimitive(sql))
        val more = if (fields.isBlank()) "" else ", $fields"
        return post("/api/2.0/sql/statements", """{"statement": $statement, "warehouse_id": "${warehouse.warehouseId}"$more}""")
    }

    /** Polls GET statements/{id} until the state is terminal. */
    suspend fun awaitTerminal(id: String, timeoutMillis: Long = 30_000): JsonObject {
        val deadline = System.currentTimeMillis() + timeoutMillis
        while (true) {
            val reply = get("/api/2.0/sql/statements/$id")
            check(reply.status == 200) { "GET statement failed: $reply" }
            val json = reply.json
            if (json.state() !in setOf("PENDING", "RUNNING")) return json
            check(System.currentTimeMillis() < deadline) { "statement $id still ${json.state()}" }
            delay(50)
        }
    }

    /** Downloads a link without any Authorization header, adding the link's http_headers. */
    suspend fun download(link: JsonObject, withHeaders: Boolean = true): Reply {
        val url = link.str("external_link")
        return call(HttpMethod.Get, url, token = null) {
            if (withHeaders) link["http_headers"]?.jsonObject?.forEach { (k, v) -> header(k, v.jsonPrimitive.content) }
        }
    }

    override fun close() = client.close()
}

fun JsonObject.state(): String = this["status"]!!.jsonObject["state"]!!.jsonPrimitive.content
fun JsonObject.str(key: String): String = this[key]!!.jsonPrimitive.content
fun JsonObject.int(key: String): Int = this[key]!!.jsonPrimitive.int
fun JsonObject.long(key: String): Long = this[key]!!.jsonPrimitive.long
fun JsonObject.obj(key: String): JsonObject = this[key]!!.jsonObject
fun JsonObject.arr(key: String): JsonArray = this[key]!!.jsonArray
fun JsonElement.cells(): List<List<String?>> =
    jsonArray.map { row -> row.jsonArray.map { (it as? JsonPrimitive)?.takeUnless { p -> p.toString() == "null" }?.content } }
