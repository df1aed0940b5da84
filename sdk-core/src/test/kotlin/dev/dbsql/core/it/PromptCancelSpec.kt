package dev.dbsql.core.it

import dev.dbsql.core.CancellationPolicy
import dev.dbsql.core.ClientClosedException
import dev.dbsql.core.DatabricksSqlClient
import dev.dbsql.warehouse.LocalWarehouse
import dev.dbsql.warehouse.faults.Endpoint
import dev.dbsql.warehouse.faults.Fault
import dev.dbsql.warehouse.faults.Trigger
import dev.dbsql.warehouse.statements.StatementState
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeInstanceOf
import kotlinx.coroutines.TimeoutCancellationException
import kotlinx.coroutines.async
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.withTimeout
import java.io.File
import java.util.concurrent.CompletableFuture
import java.util.concurrent.TimeUnit
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/**
 * A cancelled caller returns without waiting for the execute answer; the server-side cancel
 * follows in the client's scope, also across close() and a JVM exit. The warehouse holds the
 * execute answer behind a latch ([Fault.HoldAnswer]), so "returned before the answer" is an event,
 * not a measured time.
 */
class PromptCancelSpec : FunSpec({
    lateinit var wh: LocalWarehouse
    val json = Fixtures.INLINE_JSON.copy(waitTimeout = 5.seconds)

    beforeSpec { wh = Fixtures.startWarehouse() }
    afterSpec { wh.close() }

    /** Installs a latch on the next execute answer; returns the gate. */
    fun holdNextAnswer(): CompletableFuture<Unit> {
        val gate = CompletableFuture<Unit>()
        wh.faults.inject(Endpoint.EXECUTE, Fault.HoldAnswer(gate), Trigger.nth(1))
        return gate
    }

    suspend fun awaitStatementId(sql: String): String {
        val deadline = System.nanoTime() + 30.seconds.inWholeNanoseconds
        while (true) {
            wh.admin.statementsWithText(sql).singleOrNull()?.let { return it.id }
            check(System.nanoTime() < deadline) { "the statement never reached the warehouse" }
            delay(10)
        }
    }

    afterTest { wh.faults.clear() }

    test("cancelAndJoin of execute returns while the server still holds the answer; the cancel follows the answer") {
        val sql = "${Fixtures.ENDLESS_SQL} -- prompt 1"
        val gate = holdNextAnswer()
        Fixtures.client(wh).use { client ->
            coroutineScope {
                val running = async { client.execute(sql, options = json) }
                val id = awaitStatementId(sql)
                running.cancelAndJoin()
                // the caller is back, the answer (with the statement id) was never sent
                gate.isDone shouldBe false
                wh.admin.statement(id)!!.cancelArrived shouldBe false
                gate.complete(Unit)
                wh.admin.awaitCancel(id).cancelArrived shouldBe true
                wh.admin.awaitState(id, StatementState.CANCELED)
            }
        }
    }

    test("withTimeout around execute ends with the timeout before the answer; the statement is cancelled") {
        val sql = "${Fixtures.ENDLESS_SQL} -- prompt 2"
        val gate = holdNextAnswer()
        Fixtures.client(wh).use { client ->
            shouldThrow<TimeoutCancellationException> { withTimeout(300.milliseconds) { client.execute(sql, options = json) } }
            val id = awaitStatementId(sql)
            gate.isDone shouldBe false
            gate.complete(Unit)
            wh.admin.awaitCancel(id).cancelArrived shouldBe true
        }
    }

    test("close() after the caller gave up still sends the pending cancel before releasing the connections") {
        val sql = "${Fixtures.ENDLESS_SQL} -- prompt 3"
        val gate = holdNextAnswer()
        val client = Fixtures.client(wh)
        coroutineScope {
            val running = async { client.execute(sql, options = json) }
            val id = awaitStatementId(sql)
            running.cancelAndJoin()
            client.close()
            client.isClosed shouldBe true
            gate.complete(Unit)
            wh.admin.awaitCancel(id).cancelArrived shouldBe true
            withTimeout(60.seconds) { client.closeAndJoin() } // hang guard only
        }
    }

    test("close() during an execute fails the caller with ClientClosedException and cancels the statement once its id arrives") {
        val sql = "${Fixtures.ENDLESS_SQL} -- prompt 4"
        val gate = holdNextAnswer()
        val client = Fixtures.client(wh)
        coroutineScope {
            val running = async { runCatching { client.execute(sql, options = json) } }
            val id = awaitStatementId(sql)
            client.close()
            running.await().exceptionOrNull().shouldBeInstanceOf<ClientClosedException>()
            gate.isDone shouldBe false
            gate.complete(Unit)
            wh.admin.awaitCancel(id).cancelArrived shouldBe true
            withTimeout(60.seconds) { client.closeAndJoin() }
        }
    }

    test("a pending cancel that outlives the close budget is dropped and the client still releases everything") {
        val sql = "${Fixtures.ENDLESS_SQL} -- prompt 5"
        val gate = holdNextAnswer()
        val client = Fixtures.client(wh) { cancellation = CancellationPolicy(closeBudget = 200.milliseconds) }
        coroutineScope {
            val running = async { client.execute(sql, options = json) }
            val id = awaitStatementId(sql)
            running.cancelAndJoin()
            withTimeout(60.seconds) { client.closeAndJoin() } // returns although the answer is still held
            gate.isDone shouldBe false
            gate.complete(Unit)
            // clean up the statement the dropped cancel named
            Fixtures.client(wh).use { other -> other.cancel(dev.dbsql.core.StatementHandle(other.config.baseUrl, other.config.warehouseId, id, java.time.Instant.now())) }
        }
    }

    test("a JVM that exits during an execute cancels the statement from the client's shutdown hook") {
        val sql = "${Fixtures.ENDLESS_SQL} -- prompt 6"
        val gate = holdNextAnswer()
        val java = File(System.getProperty("java.home"), "bin/java").path
        val process = ProcessBuilder(
            java, "-cp", System.getProperty("java.class.path"), ShutdownChild::class.java.name, wh.baseUrl, wh.httpPath, wh.token, sql,
        ).redirectError(ProcessBuilder.Redirect.INHERIT).start()
        try {
            val id = awaitStatementId(sql)
            process.outputStream.bufferedWriter().use { it.write("exit\n") }
            gate.complete(Unit) // the answer may reach the child before or during its shutdown: either way only the hook cancels
            wh.admin.awaitCancel(id).cancelArrived shouldBe true
            process.waitFor(60, TimeUnit.SECONDS) shouldBe true
            process.exitValue() shouldBe 0
        } finally {
            process.destroyForcibly()
        }
    }
})

/** The child JVM of the shutdown-hook spec: starts an execute, exits when told on stdin. */
object ShutdownChild {
    @JvmStatic
    fun main(args: Array<String>) {
        val (host, path, token, sql) = args
        val client = DatabricksSqlClient(
            dev.dbsql.core.clientConfig {
                this.host = host
                httpPath = path
                auth = pat(token)
                cancellation = CancellationPolicy(shutdownBudget = 60.seconds)
            },
        )
        val scope = kotlinx.coroutines.CoroutineScope(kotlinx.coroutines.Dispatchers.Default)
        scope.async { client.execute(sql, options = Fixtures.INLINE_JSON.copy(waitTimeout = 5.seconds)) }
        readlnOrNull()
        kotlin.system.exitProcess(0)
    }
}
