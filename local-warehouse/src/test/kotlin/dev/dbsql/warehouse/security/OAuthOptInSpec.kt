package dev.dbsql.warehouse.security

import dev.dbsql.warehouse.LocalWarehouse
import dev.dbsql.warehouse.WarehouseConfig
import dev.dbsql.warehouse.oauth.OAuthSettings
import dev.dbsql.warehouse.parseArgs
import dev.dbsql.warehouse.support.TestHttp
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.ktor.client.HttpClient
import io.ktor.client.engine.cio.CIO
import io.ktor.client.request.basicAuth
import io.ktor.client.request.forms.submitForm
import io.ktor.client.request.get
import io.ktor.client.statement.HttpResponse
import io.ktor.client.statement.bodyAsText
import io.ktor.http.Parameters
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive

/** OAuth clients exist only when asked for; their secret is generated; U2M is approved only when asked. */
class OAuthOptInSpec : FunSpec({
    val client = HttpClient(CIO) {
        expectSuccess = false
        followRedirects = false
    }
    afterSpec { client.close() }

    suspend fun clientCredentials(w: LocalWarehouse, id: String, secret: String): HttpResponse =
        client.submitForm("${w.baseUrl}/oidc/v1/token", Parameters.build { append("grant_type", "client_credentials") }) {
            basicAuth(id, secret)
        }

    suspend fun authorize(w: LocalWarehouse): HttpResponse = client.get(
        "${w.baseUrl}/oidc/v1/authorize?client_id=databricks-cli&response_type=code&redirect_uri=http://localhost:8020" +
            "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&state=s",
    )

    test("by default no client is registered: the old built-in credentials get no token and U2M cannot start") {
        LocalWarehouse.start().use { w ->
            val reply = clientCredentials(w, "dbsql-test-sp", "dbsql-test-secret")
            reply.status.value shouldBe 401
            reply.bodyAsText() shouldContain "invalid_client"
            authorize(w).status.value shouldBe 400
            w.config.oauth.servicePrincipalSecret shouldBe null
        }
    }

    test("enabled: the service principal secret is generated per start and works; the old fixed one does not") {
        val a = OAuthSettings.enabled()
        val b = OAuthSettings.enabled()
        (a.servicePrincipalSecret != b.servicePrincipalSecret) shouldBe true
        (a.servicePrincipalSecret != "dbsql-test-secret") shouldBe true
        a.toString().contains(a.servicePrincipalSecret!!) shouldBe false
        LocalWarehouse.start(WarehouseConfig(oauth = a)).use { w ->
            clientCredentials(w, OAuthSettings.SERVICE_PRINCIPAL_ID, "dbsql-test-secret").status.value shouldBe 401
            val ok = clientCredentials(w, OAuthSettings.SERVICE_PRINCIPAL_ID, a.servicePrincipalSecret!!)
            ok.status.value shouldBe 200
            val token = Json.parseToJsonElement(ok.bodyAsText()).jsonObject["access_token"]!!.jsonPrimitive.content
            TestHttp(w).use { it.execute("SELECT 1").status shouldBe 200 }
            TestHttp(w).use { http ->
                http.post("/api/2.0/sql/statements", """{"statement":"SELECT 1","warehouse_id":"${w.warehouseId}"}""", token = token)
                    .status shouldBe 200
            }
        }
    }

    test("U2M logins are denied unless auto-approval is asked for") {
        LocalWarehouse.start(WarehouseConfig(oauth = OAuthSettings.enabled())).use { w ->
            val denied = authorize(w)
            denied.status.value shouldBe 302
            denied.headers["Location"]!! shouldContain "error=access_denied"
        }
        LocalWarehouse.start(WarehouseConfig(oauth = OAuthSettings.enabled(autoApprove = true))).use { w ->
            val approved = authorize(w)
            approved.status.value shouldBe 302
            approved.headers["Location"]!! shouldContain "code="
        }
    }

    test("the command line turns OAuth on only with --oauth*, generating the secret") {
        parseArgs(arrayOf())!!.oauth.clients shouldBe emptyMap()
        val on = parseArgs(arrayOf("--oauth"))!!.oauth
        (on.servicePrincipalSecret!!.length >= 32) shouldBe true
        on.autoApprove shouldBe false
        parseArgs(arrayOf("--oauth-secret", "s3cr3t"))!!.oauth.servicePrincipalSecret shouldBe "s3cr3t"
        parseArgs(arrayOf("--oauth-auto-approve"))!!.oauth.autoApprove shouldBe true
        parseArgs(arrayOf("--admin-token", "adm"))!!.adminToken shouldBe "adm"
    }
})
