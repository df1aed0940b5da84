package dev.dbsql.java.internal

import dev.dbsql.flow.RecordBatch
import dev.dbsql.flow.Row
import dev.dbsql.java.BatchIterator
import java.util.Spliterator
import java.util.Spliterators
import java.util.function.Consumer

/**
 * The rows of a [BatchIterator], one batch at a time: a batch is closed as soon as its last row
 * was handed on, and [close] (the stream's `onClose`) frees the current batch and the iterator.
 */
internal class RowSpliterator(private val batches: BatchIterator) :
    Spliterators.AbstractSpliterator<Row>(Long.MAX_VALUE, Spliterator.ORDERED or Spliterator.NONNULL) {
    private var batch: RecordBatch? = null
    private var index = 0

    override fun tryAdvance(action: Consumer<in Row>): Boolean {
        while (true) {
            val current = batch
            if (current != null && index < current.rowCount) {
                action.accept(current.row(index++))
                return true
            }
            current?.close()
            batch = null
            if (!batches.hasNext()) {
                batches.close()
                return false
            }
            batch = batches.next()
            index = 0
        }
    }

    fun close() {
        batch?.close()
        batch = null
        batches.close()
    }
}
