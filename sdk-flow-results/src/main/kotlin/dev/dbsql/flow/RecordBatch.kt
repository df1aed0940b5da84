package dev.dbsql.flow

import org.apache.arrow.vector.FieldVector
import org.apache.arrow.vector.VectorSchemaRoot
import org.apache.arrow.vector.types.pojo.Schema
import java.util.concurrent.atomic.AtomicBoolean

/**
 * One Arrow record batch of a statement result, whatever the wire format it came in
 * (inline JSON_ARRAY converted to Arrow, an inline Arrow attachment, or Arrow through external links).
 *
 * **Ownership.** The collector that receives a batch owns it and must [close] it, best with
 * `batch.use { … }` inside `collect`. Closing frees the batch's Arrow buffers at once and gives
 * their bytes back to the stream's memory budget, which lets the stream download further chunks:
 * a batch that is never closed holds memory and, once the budget is spent, the stream fails with
 * [ResultMemoryException]. After [close] every accessor throws [IllegalStateException]; closing
 * twice is a no-op. The stream's allocator itself closes (at zero bytes) when the stream has ended
 * and the last of its batches is closed. Batches live independently of each other, so a collector
 * may keep some of them (counted against the budget) and close them later, from any thread.
 *
 * **Threads.** A batch is not synchronised: read it from one thread at a time; [close] may come from
 * any thread once nothing reads it any more.
 *
 * @property chunkIndex the result chunk this batch came from (`manifest.chunks[i].chunk_index`).
 * @property rowOffset the position of this batch's first row in the whole result.
 */
public class RecordBatch private constructor(
    root: VectorSchemaRoot,
    public val chunkIndex: Int,
    public val rowOffset: Long,
    private val onClose: (() -> Unit)?,
) : AutoCloseable {
    private val vectors: VectorSchemaRoot = root
    private val closed = AtomicBoolean(false)
    private val indexByName: Map<String, Int> by lazy {
        val names = HashMap<String, Int>()
        root.schema.fields.forEachIndexed { i, f -> names.putIfAbsent(f.name, i) }
        names
    }

    /** The Arrow schema (column names, types, field metadata such as `Spark:DataType:SqlName`). */
    public val schema: Schema = root.schema

    /** Number of rows in this batch. */
    public val rowCount: Int = root.rowCount

    /** Number of columns. */
    public val columnCount: Int get() = schema.fields.size

    /** True once [close] has run. */
    public val isClosed: Boolean get() = closed.get()

    /**
     * The Arrow data itself, for zero-copy use (e.g. handing it to other Arrow code). It belongs to
     * this batch: do not close it yourself, and do not use it after [close].
     */
    public val root: VectorSchemaRoot get() = checkOpen().vectors

    /** The column at 0-based [index]. */
    public fun vector(index: Int): FieldVector = checkOpen().vectors.getVector(index)

    /** The column called [name]; throws [NoSuchElementException] when there is none. */
    public fun vector(name: String): FieldVector = vector(columnIndex(name))

    /**
     * The column called [name], cast to the vector class you expect (Kotlin: `column<BigIntVector>("id")`).
     * Throws [ClassCastException] naming both classes when the column is of another class.
     */
    @JvmSynthetic
    public inline fun <reified V : FieldVector> column(name: String): V = column(name, V::class.java)

    /**
     * The column called [name] as [type] (Java: `batch.column("id", BigIntVector.class)`).
     * Throws [ClassCastException] naming both classes when the column is of another class.
     */
    public fun <V : FieldVector> column(name: String, type: Class<V>): V {
        val v = vector(name)
        if (!type.isInstance(v)) {
            throw ClassCastException("column '$name' is a ${v.javaClass.simpleName}, not a ${type.simpleName}")
        }
        return type.cast(v)
    }

    /** The 0-based index of the column called [name] (the first one, when names repeat). */
    public fun columnIndex(name: String): Int =
        indexByName[name] ?: throw NoSuchElementException("no column '$name' in ${schema.fields.map { it.name }}")

    /** A view of row [index]; valid only while this batch is open. */
    public fun row(index: Int): Row {
        checkOpen()
        if (index < 0 || index >= rowCount) throw IndexOutOfBoundsException("row $index of $rowCount")
        return Row(this, index)
    }

    /** Views of every row, in order; valid only while this batch is open. */
    public fun rows(): List<Row> = List(rowCount) { row(it) }

    /** Frees the Arrow buffers now and returns their bytes to the stream's budget. Idempotent. */
    override fun close() {
        if (!closed.compareAndSet(false, true)) return
        try {
            vectors.close()
        } finally {
            onClose?.invoke()
        }
    }

    override fun toString(): String =
        "RecordBatch(chunk=$chunkIndex, rowOffset=$rowOffset, rows=$rowCount, columns=${schema.fields.map { it.name }}" +
            (if (isClosed) ", closed)" else ")")

    internal fun checkOpen(): RecordBatch {
        check(!closed.get()) { "RecordBatch of chunk $chunkIndex is closed" }
        return this
    }

    internal companion object {
        /** A batch over [root], which it then owns; [onClose] runs once when it is closed. Not for Java. */
        @JvmSynthetic
        internal operator fun invoke(root: VectorSchemaRoot, chunkIndex: Int, rowOffset: Long, onClose: (() -> Unit)? = null): RecordBatch =
            RecordBatch(root, chunkIndex, rowOffset, onClose)
    }
}
