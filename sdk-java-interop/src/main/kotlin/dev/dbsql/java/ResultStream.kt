package dev.dbsql.java

import dev.dbsql.flow.RecordBatch
import dev.dbsql.flow.Row
import dev.dbsql.java.internal.Bridge
import dev.dbsql.java.internal.RowSpliterator
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.jdk9.asPublisher
import java.util.stream.Stream
import java.util.stream.StreamSupport
import java.util.concurrent.Flow as JdkFlow

/**
 * A result stream not yet started, with three ways to consume it. It is cold: nothing is sent to
 * the server before a view is consumed, and each view reads the result anew.
 *
 * **Ownership of batches.** Whoever receives a [RecordBatch] owns it and must close it: the caller
 * of [BatchIterator.next], the subscriber's `onNext`. Closing frees its Arrow buffers at once and
 * returns their bytes to the stream's memory budget (`ReadOptions.memoryBudgetBytes`); the stream's
 * allocator closes, at zero bytes, once the stream has ended and its last batch is closed. Rows of
 * [rows] are views that the stream closes for you.
 *
 * **Errors** surface in the consumer: [BatchIterator.hasNext] throws the SDK exception, a
 * subscriber gets `onError`. Closing the [DbsqlClient] ends every view with `ClientClosedException`.
 *
 * **Schema.** Every view yields at least one batch: a result without rows gives one batch of
 * zero rows that carries the result's schema.
 */
public class ResultStream private constructor(
    private val bridge: Bridge,
    private val flow: Flow<RecordBatch>,
    private val options: ReadOptions,
) {
    /**
     * A blocking iterator of batches, fed by a producer that holds at most
     * `ReadOptions.bufferedBatches` ready; close it, best with try-with-resources.
     */
    public fun batches(): BatchIterator = BatchIterator(flow, bridge, options.bufferedBatches)

    /**
     * The rows, in result order, as a sequential stream over [batches]. **Close it** (try-with-resources):
     * closing stops the download and frees every buffer, also when the stream was left early
     * (`limit`, `findFirst`, an exception). A [Row] is a view valid only until the stream moves past
     * its batch: map it to values (`Row::toMap`, a getter) before stateful operations such as `sorted`.
     * Errors are thrown by the terminal operation.
     */
    public fun rows(): Stream<Row> {
        val rows = RowSpliterator(batches())
        return StreamSupport.stream(rows, false).onClose(rows::close)
    }

    /**
     * A `Flow.Publisher` that reads the result once per subscription, sending batches only as the
     * subscriber requests them (`request(n)`): reading pauses when the demand is used up.
     * `onNext` runs on the thread where futures complete (the executor given to
     * `DbsqlClient.create`, else the SDK's elastic `dbsql-java-complete` pool), so it may block;
     * the subscriber owns and closes each batch. Cancelling the subscription stops the reading and
     * frees what it held.
     */
    public fun publisher(): JdkFlow.Publisher<RecordBatch> = flow.asPublisher(bridge.completion.asCoroutineDispatcher())

    /** The underlying cold flow (Kotlin callers). */
    @JvmSynthetic
    public fun asFlow(): Flow<RecordBatch> = flow

    internal companion object {
        /** A stream over [flow]. Not for Java. */
        @JvmSynthetic
        internal operator fun invoke(bridge: Bridge, flow: Flow<RecordBatch>, options: ReadOptions): ResultStream = ResultStream(bridge, flow, options)
    }
}
