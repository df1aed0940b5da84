package dev.dbsql.warehouse.engine

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.longs.shouldBeLessThan
import io.kotest.matchers.shouldBe
import java.util.concurrent.CompletableFuture
import java.util.concurrent.TimeUnit

class CancelSpec : FunSpec({
    val engine = SharedEngine.engine

    test("cancel from another thread stops a long cross join within a second") {
        engine.openContext().use { ctx ->
            val started = System.nanoTime()
            val f = CompletableFuture.supplyAsync {
                runCatching { ctx.run("SELECT count(*) FROM range(100000000) a, range(100000000) b WHERE a.id + b.id = 7", emptyList(), arrowOpts) }
            }
            Thread.sleep(300)
            val canceledAt = System.nanoTime()
            ctx.cancel()
            val outcome = f.get(5, TimeUnit.SECONDS)
            val afterCancelMs = (System.nanoTime() - canceledAt) / 1_000_000
            afterCancelMs shouldBeLessThan 1000
            shouldThrow<QueryCanceled> { outcome.getOrThrow() }
            (System.nanoTime() - started) / 1_000_000 shouldBeLessThan 3000
            // the context stays usable
            ctx.jsonRows("SELECT 1") shouldBe listOf(listOf("1"))
        }
        engine.allocatedBytes shouldBe 0
    }

    test("cancel while chunks are being written stops the writing loop") {
        engine.openContext().use { ctx ->
            val f = CompletableFuture.supplyAsync {
                runCatching { ctx.run("SELECT id, id * 2 AS b FROM range(2000000000)", emptyList(), RunOptions(ResultFormat.JSON_ARRAY)) }
            }
            Thread.sleep(400)
            val t0 = System.nanoTime()
            ctx.cancel()
            val outcome = f.get(5, TimeUnit.SECONDS)
            (System.nanoTime() - t0) / 1_000_000 shouldBeLessThan 1000
            shouldThrow<QueryCanceled> { outcome.getOrThrow() }
        }
        engine.allocatedBytes shouldBe 0
    }

    test("cancel with nothing running is a no-op") {
        engine.openContext().use { ctx ->
            ctx.cancel()
            ctx.jsonRows("SELECT 2") shouldBe listOf(listOf("2"))
        }
    }
})
