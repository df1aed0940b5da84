package dev.dbsql.warehouse.engine

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import java.util.concurrent.CompletableFuture
import java.util.concurrent.TimeUnit
import java.util.concurrent.TimeoutException

/**
 * Cancels [run] from this thread until it returns: a cancel that lands before the query started is
 * a no-op, so it is repeated. The query never ends on its own; 60 s is only a hang guard.
 */
private fun <T> cancelUntilDone(ctx: EngineContext, run: CompletableFuture<T>): T {
    val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60)
    while (true) {
        ctx.cancel()
        try {
            return run.get(50, TimeUnit.MILLISECONDS)
        } catch (e: TimeoutException) {
            check(System.nanoTime() < deadline) { "the query did not stop after cancel" }
        }
    }
}

class CancelSpec : FunSpec({
    val engine = SharedEngine.engine

    test("cancel from another thread stops a long cross join") {
        engine.openContext().use { ctx ->
            val f = CompletableFuture.supplyAsync {
                runCatching { ctx.run("SELECT count(*) FROM range(100000000) a, range(100000000) b WHERE a.id + b.id = 7", emptyList(), arrowOpts) }
            }
            val outcome = cancelUntilDone(ctx, f)
            shouldThrow<QueryCanceled> { outcome.getOrThrow() }
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
            val outcome = cancelUntilDone(ctx, f)
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
