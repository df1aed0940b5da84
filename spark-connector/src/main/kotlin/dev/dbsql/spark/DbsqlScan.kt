package dev.dbsql.spark

import dev.dbsql.flow.ResultPartition
import dev.dbsql.java.Partitions
import org.apache.spark.sql.connector.read.Batch
import org.apache.spark.sql.connector.read.InputPartition
import org.apache.spark.sql.connector.read.PartitionReaderFactory
import org.apache.spark.sql.connector.read.Scan
import org.apache.spark.sql.connector.read.Statistics
import org.apache.spark.sql.connector.read.SupportsReportPartitioning
import org.apache.spark.sql.connector.read.SupportsReportStatistics
import org.apache.spark.sql.connector.read.partitioning.Partitioning
import org.apache.spark.sql.connector.read.partitioning.UnknownPartitioning
import org.apache.spark.sql.types.StructType
import java.util.OptionalLong

/**
 * One scan of a [DbsqlTable] (one per query plan): its [Batch] plans one [DbsqlInputPartition]
 * per range of whole chunks of about `partitionBytes` uncompressed bytes, reports that number of
 * partitions and the manifest's row count and size to Spark's optimizer. The statement is fetched
 * from the table when first needed (see [DbsqlTable.statement]). Driver only.
 */
internal class DbsqlScan(
    private val table: DbsqlTable,
    private val required: StructType,
    private val columns: IntArray,
) : Scan, Batch, SupportsReportStatistics, SupportsReportPartitioning {
    private val statement: DriverStatement by lazy { table.statement() }
    private val planned: Array<InputPartition> by lazy { plan() }

    override fun readSchema(): StructType = required

    override fun description(): String = "dbsql ${table.name()} columns=${required.fieldNames().toList()}"

    override fun toBatch(): Batch = this

    override fun columnarSupportMode(): Scan.ColumnarSupportMode = Scan.ColumnarSupportMode.SUPPORTED

    override fun planInputPartitions(): Array<InputPartition> = planned

    override fun createReaderFactory(): PartitionReaderFactory =
        DbsqlReaderFactory(table.options.config.toJson(), table.options.read, required, columns)

    override fun estimateStatistics(): Statistics {
        val manifest = statement.result.manifest
        return object : Statistics {
            override fun numRows(): OptionalLong = OptionalLong.of(manifest.totalRowCount)
            override fun sizeInBytes(): OptionalLong = manifest.totalByteCount?.let { OptionalLong.of(it) } ?: OptionalLong.empty()
        }
    }

    override fun outputPartitioning(): Partitioning = UnknownPartitioning(planned.size)

    private fun plan(): Array<InputPartition> {
        val result = statement.result
        val manifest = result.manifest
        val chunks = manifest.totalChunkCount.coerceAtLeast(1)
        val wanted = manifest.totalByteCount?.let { ceilDiv(it, table.options.partitionBytes) } ?: chunks.toLong()
        val parts: List<ResultPartition> = result.partitions(wanted.coerceIn(1, chunks.toLong()).toInt())
        return parts.map { DbsqlInputPartition(Partitions.toJson(it), it.index, it.rowCount, it.byteCount ?: -1) }.toTypedArray()
    }

    private fun ceilDiv(a: Long, b: Long): Long = (a + b - 1) / b
}

/**
 * One Spark partition: a contiguous chunk range of one result, as the SDK's `ResultPartition`
 * JSON (the statement handle and the range; no credentials, no links). Java-serializable.
 *
 * @property rowCount / [byteCount] what the manifest says the range holds (-1: unknown size).
 */
internal class DbsqlInputPartition(
    val partitionJson: String,
    val index: Int,
    val rowCount: Long,
    val byteCount: Long,
) : InputPartition {
    override fun toString(): String = "DbsqlInputPartition(index=$index, rows=$rowCount, bytes=$byteCount)"

    private companion object {
        private const val serialVersionUID: Long = 1L
    }
}
