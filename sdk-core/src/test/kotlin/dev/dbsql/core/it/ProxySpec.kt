package dev.dbsql.core.it

import dev.dbsql.core.ConnectionException
import dev.dbsql.core.ProxyConfig
import dev.dbsql.warehouse.LocalWarehouse
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import java.net.ServerSocket
import java.util.concurrent.atomic.AtomicInteger
import kotlin.concurrent.thread

class ProxySpec : FunSpec({
    lateinit var wh: LocalWarehouse
    beforeSpec { wh = Fixtures.startWarehouse() }
    afterSpec { wh.close() }

    test("API calls go through the configured HTTP proxy") {
        // A "proxy" that accepts connections and closes them: reaching it proves the route.
        val accepted = AtomicInteger()
        ServerSocket(0).use { server ->
            val t = thread(isDaemon = true) {
                runCatching { while (true) server.accept().use { accepted.incrementAndGet() } }
            }
            Fixtures.client(wh) { proxy = ProxyConfig("127.0.0.1", server.localPort) }.use { c ->
                shouldThrow<ConnectionException> { c.execute("SELECT 1") }
            }
            (accepted.get() >= 1) shouldBe true
            wh.admin.executeCount shouldBe 0L
            server.close()
            t.join(1_000)
        }
    }

    test("a host on the no-proxy list is reached directly") {
        val port = ServerSocket(0).use { it.localPort }
        Fixtures.client(wh) { proxy = ProxyConfig("127.0.0.1", port, noProxy = listOf("127.0.0.1", "localhost")) }.use { c ->
            c.execute("SELECT 1").manifest.totalRowCount shouldBe 1L
        }
    }
})
