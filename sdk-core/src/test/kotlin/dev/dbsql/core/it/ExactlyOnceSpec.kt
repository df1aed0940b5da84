package dev.dbsql.core.it

import dev.dbsql.core.DatabricksSqlClient
import dev.dbsql.core.clientConfig
import dev.dbsql.core.internal.initialResultData
import dev.dbsql.core.lifecycle.ExactlyOnceSubmitter
import dev.dbsql.core.lifecycle.FileSubmissionJournal
import dev.dbsql.warehouse.LocalWarehouse
import dev.dbsql.warehouse.WarehouseConfig
import dev.dbsql.warehouse.faults.Endpoint
import dev.dbsql.warehouse.faults.Fault
import dev.dbsql.warehouse.faults.Trigger
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContain
import io.kotest.matchers.nulls.shouldNotBeNull
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldStartWith
import kotlinx.coroutines.delay
import java.io.File
import java.nio.file.Files
import java.util.concurrent.CompletableFuture
import java.util.concurrent.TimeUnit
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/** The request-id guard: a lost execute answer neither leaves the caller guessing nor runs the statement twice. */
class ExactlyOnceSpec : FunSpec({
    lateinit var wh: LocalWarehouse
    lateinit var client: DatabricksSqlClient
    val json = Fixtures.INLINE_JSON
    val dir = Files.createTempDirectory("journal")

    beforeSpec {
        wh = Fixtures.startWarehouse()
        client = Fixtures.client(wh)
    }
    afterSpec {
        client.close()
        wh.close()
        dir.toFile().deleteRecursively()
    }
    afterTest { wh.faults.clear() }

    suspend fun rows(c: DatabricksSqlClient, table: String): String =
        c.execute("SELECT count(*) AS n FROM $table", options = json).initialResultData.shouldNotBeNull().dataArray!!.single().single()!!

    test("an execute whose answer is lost after the server accepted it reattaches; the INSERT ran exactly once") {
        client.execute("CREATE TABLE eo_once (x INTEGER)", options = json)
        val journal = FileSubmissionJournal(dir.resolve("once.jsonl"))
        val guard = ExactlyOnceSubmitter(client, journal, visibilityWindow = 30.seconds, lookupInterval = 50.milliseconds)
        val reset = wh.faults.inject(Endpoint.EXECUTE, Fault.ResetMidBody(), Trigger.nth(1))
        val result = guard.execute("INSERT INTO eo_once VALUES (1)", options = json)
        reset.fired shouldBe 1
        rows(client, "eo_once") shouldBe "1"
        val inserts = wh.admin.statements().filter { it.text.contains("INSERT INTO eo_once") }
        inserts.size shouldBe 1
        inserts.single().id shouldBe result.statementId
        inserts.single().text shouldStartWith "/* dbsql_request_id="
        inserts.single().queryTags.map { it.key } shouldContain ExactlyOnceSubmitter.REQUEST_ID_TAG
        journal.unacknowledged() shouldBe emptyList()
    }

    test("when history does not show the statement within the window, it is submitted again (the documented limit)") {
        LocalWarehouse.start(WarehouseConfig(historyLag = java.time.Duration.ofHours(1))).use { lagging ->
            Fixtures.client(lagging).use { c ->
                c.execute("CREATE TABLE eo_lag (x INTEGER)", options = json)
                val guard = ExactlyOnceSubmitter(c, FileSubmissionJournal(dir.resolve("lag.jsonl")), visibilityWindow = 200.milliseconds, lookupInterval = 50.milliseconds)
                lagging.faults.inject(Endpoint.EXECUTE, Fault.ResetMidBody(), Trigger.nth(1))
                guard.execute("INSERT INTO eo_lag VALUES (1)", options = json)
                (lagging.admin.count(Endpoint.HISTORY) >= 1) shouldBe true
                rows(c, "eo_lag") shouldBe "2"
            }
        }
    }

    test("a process killed after journaling, before the answer: a new process resumes from the journal and the INSERT ran once") {
        client.execute("CREATE TABLE eo_crash (x INTEGER)", options = json)
        val file = dir.resolve("crash.jsonl")
        val sql = "INSERT INTO eo_crash VALUES (7)"
        val gate = CompletableFuture<Unit>()
        wh.faults.inject(Endpoint.EXECUTE, Fault.HoldAnswer(gate), Trigger.nth(1))
        val java = File(System.getProperty("java.home"), "bin/java").path
        val process = ProcessBuilder(
            java, "-cp", System.getProperty("java.class.path"), JournalChild::class.java.name, wh.baseUrl, wh.httpPath, wh.token, file.toString(), sql,
        ).redirectError(ProcessBuilder.Redirect.INHERIT).start()
        try {
            val deadline = System.nanoTime() + 60.seconds.inWholeNanoseconds
            while (wh.admin.statements().none { it.text.contains(sql) }) {
                check(System.nanoTime() < deadline && process.isAlive) { "the child's statement never reached the warehouse" }
                delay(10)
            }
            process.destroyForcibly()
            process.waitFor(60, TimeUnit.SECONDS) shouldBe true
        } finally {
            process.destroyForcibly()
            gate.complete(Unit)
        }
        val journal = FileSubmissionJournal(file)
        journal.unacknowledged().size shouldBe 1
        val serverId = wh.admin.statements().single { it.text.contains(sql) }.id
        Fixtures.client(wh).use { fresh ->
            val recovered = ExactlyOnceSubmitter(fresh, journal, visibilityWindow = 30.seconds, lookupInterval = 50.milliseconds).recover()
            recovered.single().outcome shouldBe ExactlyOnceSubmitter.Outcome.REATTACHED
            recovered.single().handle!!.statementId shouldBe serverId
            fresh.await(recovered.single().handle!!)
            rows(fresh, "eo_crash") shouldBe "1"
        }
        journal.unacknowledged() shouldBe emptyList()
        wh.admin.statements().count { it.text.contains(sql) } shouldBe 1
    }
})

/** The child JVM of the crash spec: an exactly-once execute whose answer the warehouse holds; killed by the parent. */
object JournalChild {
    @JvmStatic
    fun main(args: Array<String>) {
        val (host, path, token, journal) = args
        val sql = args[4]
        val client = DatabricksSqlClient(
            clientConfig {
                this.host = host
                httpPath = path
                auth = pat(token)
                cancellation = dev.dbsql.core.CancellationPolicy(cancelOnShutdown = false)
            },
        )
        kotlinx.coroutines.runBlocking {
            ExactlyOnceSubmitter(client, FileSubmissionJournal(java.nio.file.Path.of(journal))).execute(sql, options = Fixtures.INLINE_JSON)
        }
    }
}
