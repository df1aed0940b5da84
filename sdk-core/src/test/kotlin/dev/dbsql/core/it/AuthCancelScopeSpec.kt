package dev.dbsql.core.it

import dev.dbsql.auth.AccessToken
import dev.dbsql.auth.CredentialsProvider
import dev.dbsql.core.AuthenticationException
import dev.dbsql.core.ClientClosedException
import dev.dbsql.core.DatabricksSqlClient
import dev.dbsql.warehouse.LocalWarehouse
import dev.dbsql.warehouse.faults.Endpoint
import dev.dbsql.warehouse.statements.StatementState
import io.kotest.assertions.nondeterministic.eventually
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.async
import kotlinx.coroutines.cancel
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import java.time.Duration
import java.util.concurrent.atomic.AtomicInteger
import kotlin.time.Duration.Companion.seconds

class AuthCancelScopeSpec : FunSpec({
    lateinit var wh: LocalWarehouse
    lateinit var client: DatabricksSqlClient
    val json = Fixtures.INLINE_JSON

    beforeSpec {
        wh = Fixtures.startWarehouse()
        client = Fixtures.client(wh)
    }
    afterSpec {
        client.close()
        wh.close()
    }

    /** Hands out [first] until invalidated, then [second]. */
    class RotatingProvider(private val first: String, private val second: String) : CredentialsProvider {
        val invalidations = AtomicInteger()
        @Volatile private var current = first
        override val name = "rotating"
        override suspend fun token() = AccessToken(current)
        override suspend fun invalidate(token: AccessToken) {
            invalidations.incrementAndGet()
            if (token.value == first) current = second
        }
    }

    test("on 401 the provider is told the token failed and the call is retried once with a new token") {
        wh.tokens.addExpiring("expired-token", "u", Duration.ZERO)
        val provider = RotatingProvider("expired-token", wh.token)
        DatabricksSqlClient(Fixtures.config(wh), provider).use { c ->
            wh.admin.resetRequests()
            c.execute("SELECT 1", options = json).manifest.totalRowCount shouldBe 1L
            provider.invalidations.get() shouldBe 1
            wh.admin.executeCount shouldBe 2L
        }
    }

    test("a token refused twice is an AuthenticationException after exactly one refresh") {
        wh.tokens.addExpiring("expired-2", "u", Duration.ZERO)
        val provider = RotatingProvider("expired-2", "expired-2")
        DatabricksSqlClient(Fixtures.config(wh), provider).use { c ->
            wh.admin.resetRequests()
            val e = shouldThrow<AuthenticationException> { c.execute("SELECT 1", options = json) }
            e.httpStatus shouldBe 401
            e.retryable shouldBe false
            provider.invalidations.get() shouldBe 1
            wh.admin.executeCount shouldBe 2L
        }
    }

    test("an unknown token (403 Invalid access token) is an AuthenticationException, not retried") {
        Fixtures.client(wh) { auth = pat("dapi-not-a-real-token") }.use { c ->
            wh.admin.resetRequests()
            val e = shouldThrow<AuthenticationException> { c.execute("SELECT 1", options = json) }
            e.httpStatus shouldBe 403
            e.message shouldContain "token"
            e.message.contains("dapi-not-a-real-token") shouldBe false
            wh.admin.executeCount shouldBe 1L
        }
    }

    test("cancelling the coroutine in await cancels the statement on the warehouse") {
        val h = client.submit(Fixtures.ENDLESS_SQL, options = json)
        coroutineScope {
            val waiter = async { client.await(h) }
            // await is under way once the warehouse has seen it poll (hang guards only, no time bounds)
            wh.admin.awaitRequest { it.endpoint == Endpoint.STATUS && it.statementId == h.statementId }
            waiter.cancelAndJoin()
            wh.admin.awaitCancel(h.statementId).cancelArrived shouldBe true
            wh.admin.awaitState(h.statementId, StatementState.CANCELED)
        }
    }

    test("cancelling execute during its first request cancels the statement as soon as the request returns its id") {
        val sql = "SELECT sum(id) + 1 AS first_request_cancel FROM range(1000000000000) t1"
        coroutineScope {
            val running = async { client.execute(sql, options = json.copy(waitTimeout = 5.seconds)) }
            eventually(30.seconds) { wh.admin.statementsWithText(sql).size shouldBe 1 }
            running.cancelAndJoin()
            // the server answers the POST after its 5 s wait; the cancel follows in the client's scope
            val id = wh.admin.statementsWithText(sql).single().id
            wh.admin.awaitCancel(id).cancelArrived shouldBe true
            wh.admin.awaitState(id, StatementState.CANCELED, timeout = Duration.ofSeconds(10))
        }
    }

    test("close() is idempotent, fails in-flight and new calls with ClientClosedException") {
        val c = Fixtures.client(wh)
        val h = c.submit(Fixtures.ENDLESS_SQL, options = json)
        coroutineScope {
            val waiter = async { runCatching { c.await(h) } }
            delay(200)
            c.close()
            c.close()
            (waiter.await().exceptionOrNull() is ClientClosedException) shouldBe true
        }
        c.isClosed shouldBe true
        shouldThrow<ClientClosedException> { c.status(h) }
        client.cancel(h)
    }

    test("a client in a caller's scope is closed when that scope is cancelled") {
        val parent = CoroutineScope(Job())
        val c = DatabricksSqlClient(Fixtures.config(wh), scope = parent)
        c.execute("SELECT 1", options = json)
        parent.cancel()
        eventually(30.seconds) { c.isClosed shouldBe true }
        shouldThrow<ClientClosedException> { c.execute("SELECT 1", options = json) }
    }

    test("the caller's dispatcher and scope are used without leaking jobs") {
        val parentJob = Job()
        val parent = CoroutineScope(parentJob)
        DatabricksSqlClient(Fixtures.config(wh), scope = parent).use { c ->
            parent.launch { c.execute("SELECT 2", options = json) }.join()
            parentJob.children.count() shouldBe 1 // only the client's own job
        }
        parentJob.cancel()
    }
})
