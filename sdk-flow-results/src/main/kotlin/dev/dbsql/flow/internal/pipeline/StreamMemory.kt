package dev.dbsql.flow.internal.pipeline

import dev.dbsql.flow.SharedMemoryBudget
import org.apache.arrow.memory.BufferAllocator
import org.slf4j.LoggerFactory

/**
 * The memory of one result stream: a child allocator limited to the budget plus slack, the
 * [ByteBudget], and one [ChunkLease] (with its own child allocator) per chunk in memory.
 *
 * The stream allocator closes when the stream has [end]ed and every lease is finished, i.e. when
 * the last batch the stream produced has been closed. It is then at zero bytes by construction;
 * anything else is logged as a leak and kept in [leakReport].
 */
internal class StreamMemory(
    parent: BufferAllocator,
    budgetBytes: Long,
    slackBytes: Long,
    name: String,
    shared: SharedMemoryBudget? = null,
) {
    val budget = ByteBudget(budgetBytes, shared)
    val allocator: BufferAllocator = parent.newChildAllocator(name, 0, budgetBytes + slackBytes)
    private var ended = false
    private var openLeases = 0
    private var producingLeases = 0
    private var closed = false

    @Volatile
    var leakReport: String? = null
        private set

    /** A lease for chunk [chunkIndex] whose [reserved] bytes the scheduler has already acquired. */
    @Synchronized
    fun lease(chunkIndex: Int, reserved: Long): ChunkLease {
        check(!closed) { "stream memory already closed" }
        openLeases++
        producingLeases++
        return ChunkLease(this, chunkIndex, reserved, allocator.newChildAllocator("chunk-$chunkIndex", 0, Long.MAX_VALUE))
    }

    /** True while some chunk's producer still runs (its batches may still grow or be released). */
    val anyProducing: Boolean @Synchronized get() = producingLeases > 0

    @Synchronized
    internal fun producerFinished() {
        producingLeases--
    }

    /** The stream has ended: no more leases; close once the open ones finish. */
    fun end() {
        synchronized(this) {
            ended = true
            if (openLeases > 0 || closed) return
            closed = true
        }
        closeAllocator()
    }

    internal fun leaseFinished() {
        synchronized(this) {
            openLeases--
            if (!ended || openLeases > 0 || closed) return
            closed = true
        }
        closeAllocator()
    }

    internal fun noteLeak(report: String) {
        leakReport = report
        log.error("result stream leaked Arrow memory: {}", report)
    }

    private fun closeAllocator() {
        try {
            allocator.close()
        } catch (e: IllegalStateException) {
            noteLeak(e.message ?: allocator.toVerboseString())
        }
    }

    private companion object {
        val log = LoggerFactory.getLogger(StreamMemory::class.java)
    }
}

/**
 * The bytes and allocator of one chunk. Counts the chunk's open batches; when the producer is done
 * and every batch is closed, closes the chunk allocator and gives the bytes back to the budget.
 */
internal class ChunkLease(
    private val memory: StreamMemory,
    val chunkIndex: Int,
    reserved: Long,
    val allocator: BufferAllocator,
) {
    private var charged = reserved
    private var openBatches = 0
    private var producing = true
    private var finished = false

    @Synchronized
    fun batchOpened() {
        openBatches++
    }

    fun batchClosed() = finishIf { openBatches-- }

    fun producerDone() {
        finishIf { producing = false } // releases the bytes first when nothing is open any more
        memory.producerFinished()
        memory.budget.wake()
    }

    /** Charges the budget for whatever the chunk allocator holds beyond what is already counted. */
    @Synchronized
    fun observe() {
        val held = allocator.allocatedMemory
        if (held > charged) {
            memory.budget.charge(held - charged)
            charged = held
        }
    }

    private inline fun finishIf(change: () -> Unit) {
        val release: Long
        synchronized(this) {
            change()
            if (producing || openBatches > 0 || finished) return
            finished = true
            release = charged
        }
        try {
            allocator.close()
        } catch (e: IllegalStateException) {
            memory.noteLeak("chunk $chunkIndex: ${e.message}")
        } finally {
            memory.budget.release(release)
            memory.leaseFinished()
        }
    }
}
