package dev.dbsql.warehouse.engine

import org.apache.arrow.memory.BufferAllocator
import org.apache.arrow.vector.FieldVector
import org.apache.arrow.vector.VectorSchemaRoot
import org.apache.arrow.vector.ipc.ArrowReader
import java.util.concurrent.ArrayBlockingQueue
import java.util.concurrent.ExecutorService
import java.util.concurrent.Future
import java.util.concurrent.TimeUnit

/**
 * Reads DuckDB's Arrow export on a pool thread while the statement's thread writes chunks, so
 * DuckDB computes the next batches while the previous ones are stored. Each batch's buffers are
 * moved (not copied) out of the reader's root into a root the consumer owns and must close.
 * At most [depth] batches wait in between. [close] stops the reader thread and frees waiting batches.
 */
internal class BatchPrefetcher(
    private val reader: ArrowReader,
    private val allocator: BufferAllocator,
    pool: ExecutorService,
    depth: Int = 3,
) : AutoCloseable {
    private sealed class Item {
        class Batch(val root: VectorSchemaRoot) : Item()
        class Failed(val error: Throwable) : Item()
        object End : Item()
    }

    private val queue = ArrayBlockingQueue<Item>(depth)
    @Volatile private var stopped = false
    private val task: Future<*> = pool.submit { produce() }

    private fun produce() {
        try {
            val root = reader.vectorSchemaRoot
            while (!stopped && reader.loadNextBatch()) {
                val moved = root.fieldVectors.map { v ->
                    val tp = v.getTransferPair(allocator)
                    tp.transfer()
                    tp.to as FieldVector
                }
                val batch = VectorSchemaRoot(root.schema.fields, moved, root.rowCount)
                if (!offer(Item.Batch(batch))) { batch.close(); return }
            }
            offer(Item.End)
        } catch (e: Throwable) {
            offer(Item.Failed(e))
        }
    }

    /** Puts [item] unless the consumer stopped; false when it was dropped. */
    private fun offer(item: Item): Boolean {
        while (!stopped) {
            if (queue.offer(item, 50, TimeUnit.MILLISECONDS)) return true
        }
        return false
    }

    /** The next batch (owned by the caller), or null at the end. Rethrows the reader's failure. */
    fun next(): VectorSchemaRoot? {
        while (true) {
            when (val item = queue.poll(50, TimeUnit.MILLISECONDS)) {
                null -> if (task.isDone && queue.isEmpty()) return null else continue
                is Item.Batch -> return item.root
                is Item.Failed -> throw item.error
                Item.End -> { queue.offer(Item.End); return null }
            }
        }
    }

    override fun close() {
        stopped = true
        try { task.get() } catch (_: Exception) { }
        while (true) {
            val item = queue.poll() ?: break
            if (item is Item.Batch) item.root.close()
        }
    }
}
