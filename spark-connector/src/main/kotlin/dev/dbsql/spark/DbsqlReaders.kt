package dev.dbsql.spark

import dev.dbsql.flow.RecordBatch
import dev.dbsql.java.BatchIterator
import dev.dbsql.java.Partitions
import dev.dbsql.java.ReadOptions
import org.apache.spark.sql.catalyst.InternalRow
import org.apache.spark.sql.connector.read.InputPartition
import org.apache.spark.sql.connector.read.PartitionReader
import org.apache.spark.sql.connector.read.PartitionReaderFactory
import org.apache.spark.sql.types.StructType
import org.apache.spark.sql.vectorized.ColumnarBatch

/**
 * Builds the readers of a scan's partitions on the executors. Java-serializable: it carries the
 * client configuration as JSON (secret references only), the read settings, the schema Spark asked
 * for and those columns' positions in the result.
 */
internal class DbsqlReaderFactory(
    private val configJson: String,
    private val read: ReadSettings,
    private val schema: StructType,
    private val columns: IntArray,
) : PartitionReaderFactory {
    override fun supportColumnarReads(partition: InputPartition): Boolean = true

    override fun createColumnarReader(partition: InputPartition): PartitionReader<ColumnarBatch> =
        DbsqlColumnarReader(configJson, read, schema, columns, partition as DbsqlInputPartition)

    override fun createReader(partition: InputPartition): PartitionReader<InternalRow> =
        RowReader(createColumnarReader(partition))

    private companion object {
        private const val serialVersionUID: Long = 1L
    }
}

/**
 * Reads one partition's chunk range with this JVM's shared client ([SharedClients]) and returns
 * one [ColumnarBatch] per Arrow record batch, backed by the Arrow buffers (see [ColumnarBatches]).
 * A batch is valid until the next [next] call (Spark's contract): it is freed then, or by [close].
 * Runs in the task's thread, which blocks while the next batch is downloaded; interrupting it
 * (a cancelled task) stops the downloads. Never cancels or closes the statement.
 */
internal class DbsqlColumnarReader(
    configJson: String,
    read: ReadSettings,
    private val schema: StructType,
    private val columns: IntArray,
    private val partition: DbsqlInputPartition,
) : PartitionReader<ColumnarBatch> {
    private val batches: BatchIterator = SharedClients.get(configJson)
        .readPartition(
            Partitions.fromJson(partition.partitionJson),
            ReadOptions.builder()
                .concurrency(read.concurrency)
                .memoryBudgetBytes(read.memoryBudgetBytes)
                .maxAttempts(read.maxAttempts)
                .build(),
        )
        .batches()
    private var current: RecordBatch? = null
    private var columnar: ColumnarBatches.Converted? = null

    override fun next(): Boolean {
        release()
        while (batches.hasNext()) {
            val batch = batches.next()
            if (batch.rowCount == 0) {
                batch.close()
                continue
            }
            current = batch
            columnar = ColumnarBatches.convert(batch, schema, columns)
            return true
        }
        return false
    }

    override fun get(): ColumnarBatch = columnar?.batch ?: throw NoSuchElementException("no current batch (call next() first)")

    override fun close() {
        try {
            release()
        } finally {
            batches.close()
        }
    }

    private fun release() {
        columnar?.close()
        columnar = null
        current?.close()
        current = null
    }
}

/** The rows of a columnar reader, for plans that ask for rows. */
internal class RowReader(private val columnar: PartitionReader<ColumnarBatch>) : PartitionReader<InternalRow> {
    private var rows: Iterator<InternalRow> = emptyList<InternalRow>().iterator()

    override fun next(): Boolean {
        while (!rows.hasNext()) {
            if (!columnar.next()) return false
            rows = columnar.get().rowIterator()
        }
        return true
    }

    override fun get(): InternalRow = rows.next()

    override fun close() {
        columnar.close()
    }
}
