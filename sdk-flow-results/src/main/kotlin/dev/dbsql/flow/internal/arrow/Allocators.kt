package dev.dbsql.flow.internal.arrow

import org.apache.arrow.memory.AllocationListener
import org.apache.arrow.memory.BufferAllocator
import org.apache.arrow.memory.RootAllocator
import org.apache.arrow.memory.rounding.SegmentRoundingPolicy

/**
 * The process-wide parent of every result stream's allocator when the caller gives none.
 *
 * It rounds allocations up to 1 KiB instead of Arrow's default next power of two: an IPC message
 * body of 1.1 MiB then costs 1.1 MiB, not 2 MiB, so the byte budget of a stream measures what it
 * really holds. Created on first use and never closed (it holds nothing once every stream is closed).
 */
internal object DefaultAllocator {
    val root: BufferAllocator by lazy {
        JvmFlags.requireNioOpen()
        RootAllocator(
            AllocationListener.NOOP,
            Long.MAX_VALUE,
            SegmentRoundingPolicy(SegmentRoundingPolicy.MIN_SEGMENT_SIZE),
        )
    }
}
