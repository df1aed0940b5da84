package dev.dbsql.core.it

import dev.dbsql.core.DatabricksSqlClient
import dev.dbsql.core.StatementState
import dev.dbsql.core.Submission
import dev.dbsql.core.lifecycle.ExactlyOnceSubmitter
import dev.dbsql.core.lifecycle.FileSubmissionJournal
import dev.dbsql.core.lifecycle.OwnerTag
import dev.dbsql.core.lifecycle.StatementReaper
import dev.dbsql.warehouse.LocalWarehouse
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactlyInAnyOrder
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.maps.shouldBeEmpty
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.types.shouldBeInstanceOf
import java.nio.file.Files
import kotlinx.coroutines.delay
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds

/** Owner tags and the reaper: an orphan of its owner is cancelled, other owners' and tracked statements are left alone. */
class ReaperSpec : FunSpec({
    lateinit var wh: LocalWarehouse
    lateinit var client: DatabricksSqlClient
    val dir = Files.createTempDirectory("reaper")

    beforeSpec {
        wh = Fixtures.startWarehouse()
        client = Fixtures.client(wh)
    }
    afterSpec {
        client.close()
        wh.close()
        dir.toFile().deleteRecursively()
    }

    fun submitter(owner: String) = ExactlyOnceSubmitter(client, FileSubmissionJournal(dir.resolve("$owner.jsonl")), owner = owner)

    suspend fun running(s: ExactlyOnceSubmitter, sql: String) =
        s.submit(sql, Duration.ZERO, options = Fixtures.INLINE_JSON).shouldBeInstanceOf<Submission.Running>().handle

    test("every statement of an owned submitter carries the owner as a query tag and a leading comment") {
        val h = running(submitter("svc-tags"), "${Fixtures.ENDLESS_SQL} -- tags")
        val s = wh.admin.statement(h.statementId)!!
        s.queryTags.single { it.key == OwnerTag.TAG }.value shouldBe "svc-tags"
        s.text shouldContain OwnerTag.marker("svc-tags") + "\n"
        client.cancel(h)
    }

    test("an owner id that could end the comment is refused") {
        shouldThrow<IllegalArgumentException> { OwnerTag.marker("a */ DROP TABLE t; /*") }
        shouldThrow<IllegalArgumentException> { StatementReaper(client, "") }
    }

    test("the reaper cancels an untracked statement of its owner and leaves tracked and other owners' statements running") {
        val mine = submitter("svc-a")
        val orphan = running(mine, "${Fixtures.ENDLESS_SQL} -- orphan")
        val tracked = running(mine, "${Fixtures.ENDLESS_SQL} -- tracked")
        val other = running(submitter("svc-ab"), "${Fixtures.ENDLESS_SQL} -- other owner")

        val report = StatementReaper(client, "svc-a").reap(tracked = setOf(tracked.statementId))

        report.found shouldContainExactlyInAnyOrder listOf(orphan.statementId, tracked.statementId)
        report.cancelled shouldContainExactly listOf(orphan.statementId)
        report.left shouldContainExactly listOf(tracked.statementId)
        report.failed.shouldBeEmpty()
        wh.admin.awaitCancel(orphan.statementId).cancelArrived shouldBe true
        wh.admin.statement(other.statementId)!!.cancelArrived shouldBe false
        wh.admin.statement(tracked.statementId)!!.cancelArrived shouldBe false
        client.status(other).state shouldBe StatementState.RUNNING
        client.status(tracked).state shouldBe StatementState.RUNNING

        // once the cancelled statement ended, a second run finds nothing left to cancel
        val deadline = System.nanoTime() + 60.seconds.inWholeNanoseconds
        while (!client.status(orphan).state.isTerminal) {
            check(System.nanoTime() < deadline) { "the cancelled statement never ended" }
            delay(20)
        }
        val again = StatementReaper(client, "svc-a").reap(tracked = setOf(tracked.statementId))
        again.cancelled shouldBe emptyList()
        client.cancel(tracked)
        client.cancel(other)
    }
})
