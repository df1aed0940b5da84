package dev.dbsql.core.it

import dev.dbsql.auth.AuthConfig
import dev.dbsql.auth.SecretRef
import dev.dbsql.core.ClientClosedException
import dev.dbsql.core.ConfigurationException
import dev.dbsql.core.DatabricksSqlClient
import dev.dbsql.core.PemSource
import dev.dbsql.core.TlsConfig
import dev.dbsql.warehouse.LocalWarehouse
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.job
import kotlinx.coroutines.withTimeout
import kotlin.time.Duration.Companion.minutes

/** A client that fails to start leaves nothing behind; one that closes can be awaited. */
class ClientLifecycleSpec : FunSpec({
    lateinit var wh: LocalWarehouse

    beforeSpec { wh = Fixtures.startWarehouse() }
    afterSpec { wh.close() }

    test("a constructor failing on bad TLS material leaves no child job in the caller's scope") {
        val parent = Job()
        val scope = CoroutineScope(parent)
        shouldThrow<ConfigurationException> {
            DatabricksSqlClient(Fixtures.config(wh) { tls = TlsConfig(customCa = PemSource.Inline("not a pem")) }, scope = scope)
        }.field shouldBe "tls.customCa"
        scope.coroutineContext.job.children.toList().shouldBeEmpty()
        parent.complete()
        withTimeout(1.minutes) { parent.join() } // the caller's scope can complete
    }

    test("a constructor failing on credentials leaves no child job in the caller's scope") {
        val parent = Job()
        shouldThrow<ConfigurationException> {
            DatabricksSqlClient(
                Fixtures.config(wh) { auth = AuthConfig.Pat(SecretRef.Env("DBSQL_TEST_NO_SUCH_VARIABLE_7f3a")) },
                scope = CoroutineScope(parent),
            )
        }.field shouldBe "auth"
        parent.children.toList().shouldBeEmpty()
    }

    test("closeAndJoin returns once the connections are released") {
        val client = Fixtures.client(wh)
        client.execute("SELECT 1 AS one").statementId.isNotEmpty() shouldBe true
        withTimeout(1.minutes) { client.closeAndJoin() }
        client.isClosed shouldBe true
        client.job.isCompleted shouldBe true
        client.apiHttp.coroutineContext[Job]!!.isCompleted shouldBe true
        client.downloads.jobs().forEach { it.isCompleted shouldBe true }
        shouldThrow<ClientClosedException> { client.execute("SELECT 1") }
        withTimeout(1.minutes) { client.closeAndJoin() } // idempotent
    }
})
