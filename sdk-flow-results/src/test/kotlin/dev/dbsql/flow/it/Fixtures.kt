package dev.dbsql.flow.it

import dev.dbsql.core.DatabricksSqlClient
import dev.dbsql.core.Disposition
import dev.dbsql.core.ExecuteOptions
import dev.dbsql.core.ResultCompression
import dev.dbsql.core.ResultFormat
import dev.dbsql.core.RetryPolicy
import dev.dbsql.core.clientConfig
import dev.dbsql.flow.RecordBatch
import dev.dbsql.warehouse.LocalWarehouse
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.flow.Flow
import org.apache.arrow.memory.AllocationListener
import org.apache.arrow.memory.BufferAllocator
import org.apache.arrow.memory.RootAllocator
import org.apache.arrow.memory.rounding.SegmentRoundingPolicy
import org.apache.arrow.vector.BigIntVector
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/** Helpers for specs that run against an in-process local warehouse over real HTTP. */
object Fixtures {
    private val fastRetry = RetryPolicy(maxAttempts = 4, maxTotalTime = 20.seconds, baseDelay = 20.milliseconds, maxDelay = 200.milliseconds)

    /** A new client for [wh] (PAT auth, short API retries). */
    fun client(wh: LocalWarehouse): DatabricksSqlClient = DatabricksSqlClient(
        clientConfig {
            host = wh.baseUrl
            httpPath = wh.httpPath
            auth = pat(wh.token)
            retry = fastRetry
        },
    )

    /**
     * A parent allocator for result streams whose [BufferAllocator.getPeakMemoryAllocation] is the
     * peak of the one stream read through it; rounds like the SDK's default allocator (1 KiB).
     */
    fun trackingAllocator(): RootAllocator =
        RootAllocator(AllocationListener.NOOP, Long.MAX_VALUE, SegmentRoundingPolicy(SegmentRoundingPolicy.MIN_SEGMENT_SIZE))

    fun links(format: ResultFormat = ResultFormat.ARROW_STREAM, compression: ResultCompression = ResultCompression.LZ4_FRAME) =
        ExecuteOptions(disposition = Disposition.EXTERNAL_LINKS, format = format, compression = compression)

    val inlineJson = ExecuteOptions(disposition = Disposition.INLINE, format = ResultFormat.JSON_ARRAY, compression = ResultCompression.NONE)

    /** Count, sum and order of a stream of `id` values that must run 0, 1, 2, … from [firstId]. */
    class IdCheck(firstId: Long = 0) {
        var next: Long = firstId
            private set
        var count: Long = 0
            private set
        var sum: Long = 0
            private set
        var outOfOrder: Long = 0
            private set
        var batchesMisplaced: Long = 0
            private set

        fun add(batch: RecordBatch) {
            val ids = batch.vector("id") as BigIntVector
            if (batch.rowCount > 0 && ids.get(0) != batch.rowOffset) batchesMisplaced++
            for (i in 0 until batch.rowCount) {
                val id = ids.get(i)
                if (id != next) outOfOrder++
                next = id + 1
                count++
                sum += id
            }
        }

        /** Asserts exactly the ids [from] until [until], each once, in order. */
        fun shouldBeRange(from: Long, until: Long) {
            outOfOrder shouldBe 0
            batchesMisplaced shouldBe 0
            count shouldBe until - from
            sum shouldBe (until - from) * (from + until - 1) / 2
        }
    }

    /** Collects [flow], closing every batch, into an [IdCheck]. */
    suspend fun checkIds(flow: Flow<RecordBatch>, firstId: Long = 0): IdCheck {
        val check = IdCheck(firstId)
        flow.collect { b -> b.use { check.add(it) } }
        return check
    }
}
