package dev.dbsql.warehouse.security

import dev.dbsql.warehouse.LocalWarehouse
import dev.dbsql.warehouse.WarehouseConfig
import dev.dbsql.warehouse.faults.Endpoint
import dev.dbsql.warehouse.faults.Fault
import dev.dbsql.warehouse.support.TestHttp
import dev.dbsql.warehouse.support.arr
import dev.dbsql.warehouse.support.rawExchange
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldStartWith

/** `/admin/...` needs the admin token; the in-process test API does not. */
class AdminAccessSpec : FunSpec({
    val warehouse = LocalWarehouse.start()
    val http = TestHttp(warehouse)
    afterSpec {
        http.close()
        warehouse.close()
    }

    test("without a token every admin endpoint is 401, with the PAT 403, with the admin token 200") {
        http.execute("SELECT 'secret sql text'")
        for (path in listOf("/admin/statements", "/admin/requests", "/admin/faults")) {
            http.get(path, token = null).status shouldBe 401
            http.get(path, token = warehouse.token).status shouldBe 403
            http.get(path, token = warehouse.adminToken).status shouldBe 200
        }
        http.post("/admin/faults", """{"endpoint":"EXECUTE","fault":"STATUS","status":503}""", token = null).status shouldBe 401
        http.delete("/admin/faults", token = warehouse.token).status shouldBe 403
        warehouse.faults.rules().size shouldBe 0
        http.get("/admin/statements", token = warehouse.adminToken).json.arr("statements").size shouldBe 1
        http.get("/admin/nothing-here", token = null).status shouldBe 401
    }

    test("the admin token is generated (and not the PAT) unless configured") {
        warehouse.adminToken shouldStartWith "dadm"
        (warehouse.adminToken != warehouse.token) shouldBe true
        LocalWarehouse.start(WarehouseConfig(adminToken = "my-admin")).use { other ->
            other.adminToken shouldBe "my-admin"
            TestHttp(other).use { it.get("/admin/faults", token = "my-admin").status shouldBe 200 }
        }
        WarehouseConfig(adminToken = "my-admin").toString().contains("my-admin") shouldBe false
    }

    test("the in-process API keeps direct access") {
        warehouse.faults.inject(Endpoint.SESSION, Fault.Status(503))
        http.post("/api/2.0/sql/sessions", """{"warehouse_id":"${warehouse.warehouseId}"}""").status shouldBe 503
        warehouse.faults.clear()
        warehouse.admin.statements().isEmpty() shouldBe false
    }

    test("a fault body without the admin token is refused before it is read") {
        // Declares 1.4 GB and sends none of it: the 401 must come without waiting for the body.
        val reply = rawExchange(
            warehouse.port,
            "POST /admin/faults HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1400000000\r\n\r\n",
            hangGuardMillis = 10_000,
        )
        reply.status shouldBe 401
    }
})
