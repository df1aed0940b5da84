package dev.dbsql.core.it

import dev.dbsql.core.StatementHandle
import dev.dbsql.core.StatementState
import dev.dbsql.core.Submission
import dev.dbsql.core.lifecycle.StatementManager
import dev.dbsql.warehouse.LocalWarehouse
import dev.dbsql.warehouse.WarehouseConfig
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.nulls.shouldBeNull
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeInstanceOf
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.withTimeout
import kotlin.time.Duration
import kotlin.time.Duration.Companion.hours
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/** The lifecycle manager against a warehouse that abandons statements nobody polls (idle limit of seconds). */
class StatementManagerSpec : FunSpec({
    lateinit var wh: LocalWarehouse

    beforeSpec { wh = Fixtures.startWarehouse(WarehouseConfig(idleLimit = java.time.Duration.ofSeconds(3))) }
    afterSpec { wh.close() }

    test("a parked statement outlives the idle limit only when managed") {
        Fixtures.client(wh).use { client ->
            suspend fun park(tag: String): StatementHandle =
                client.submit("${Fixtures.ENDLESS_SQL} -- $tag", Duration.ZERO, options = Fixtures.INLINE_JSON)
                    .shouldBeInstanceOf<Submission.Running>().handle
            StatementManager(client, pollInterval = 100.milliseconds).use { manager ->
                val managed = park("managed")
                manager.track(managed)
                val unmanaged = park("unmanaged")

                val abandoned = wh.admin.awaitStatement(unmanaged.statementId, java.time.Duration.ofSeconds(60)) { it.abandoned }
                abandoned.closeArrived shouldBe true
                // the managed one was received first, so it has been parked longer than the abandoned one
                val record = wh.admin.statement(managed.statementId)!!
                record.abandonedAt.shouldBeNull()
                record.closedAt.shouldBeNull()
                client.status(managed).state shouldBe StatementState.RUNNING
                manager.trackedIds() shouldBe setOf(managed.statementId)
                client.cancel(managed)
            }
        }
    }

    test("a succeeded result about to expire is reported once to the listener, and ended statements are dropped") {
        Fixtures.client(wh).use { client ->
            val reported = CompletableDeferred<StatementManager.TrackedStatement>()
            val listener = StatementManager.ExpiryListener { reported.complete(it) }
            StatementManager(client, pollInterval = 100.milliseconds, resultRetention = 1.hours, expiryWarning = 2.hours, listener = listener).use { manager ->
                val done = client.submit("SELECT 1 AS x", 10.seconds, options = Fixtures.INLINE_JSON).shouldBeInstanceOf<Submission.Finished>()
                val handle = StatementHandle(client.config.baseUrl, client.config.warehouseId, done.result.statementId, java.time.Instant.now())
                manager.track(handle)
                val tracked = withTimeout(60.seconds) { reported.await() }
                tracked.handle.statementId shouldBe handle.statementId
                tracked.state shouldBe StatementState.SUCCEEDED
                manager.expiring().map { it.handle.statementId } shouldBe listOf(handle.statementId)

                client.close(handle)
                manager.pollOnce()
                manager.trackedIds() shouldBe emptySet()
            }
        }
    }
})
