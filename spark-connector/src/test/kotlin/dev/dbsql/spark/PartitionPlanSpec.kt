package dev.dbsql.spark

import dev.dbsql.warehouse.WarehouseConfig
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.ints.shouldBeGreaterThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldNotContain
import org.apache.spark.sql.connector.read.InputPartition
import org.apache.spark.sql.connector.read.PartitionReaderFactory
import org.apache.spark.sql.connector.read.SupportsReportStatistics
import org.apache.spark.sql.types.StructType
import org.apache.spark.sql.util.CaseInsensitiveStringMap
import org.apache.spark.sql.vectorized.ColumnarBatch
import java.io.ByteArrayInputStream
import java.io.ByteArrayOutputStream
import java.io.ObjectInputStream
import java.io.ObjectOutputStream

/**
 * The planning side driven directly, as Spark drives it: partitions follow `partitionBytes` in
 * whole chunks, they and the reader factory survive Java serialization (which Spark applies to
 * every task) carrying no secret, and the deserialized pieces read exactly the result; the scan
 * reports the manifest's row count and size.
 */
class PartitionPlanSpec : FunSpec({
    val rows = 1_000_000L
    val sql = "SELECT id FROM range($rows)"

    fun roundTrip(o: Any): Any {
        val bytes = ByteArrayOutputStream().also { ObjectOutputStream(it).use { out -> out.writeObject(o) } }.toByteArray()
        return ObjectInputStream(ByteArrayInputStream(bytes)).use { it.readObject() }
    }

    fun bytesOf(o: Any): String = String(ByteArrayOutputStream().also { ObjectOutputStream(it).use { out -> out.writeObject(o) } }.toByteArray(), Charsets.ISO_8859_1)

    test("partitions and reader factory are Java-serializable, secret-free and read exactly the result") {
        TestWarehouse(WarehouseConfig(chunkRows = 50_000)).use { t ->
            TestSpark.session // the data source runs inside a Spark application
            val provider = DbsqlDataSource()
            val options = CaseInsensitiveStringMap(t.options("query" to sql, "partitionBytes" to "1m"))
            val schema: StructType = provider.inferSchema(options)
            schema.fieldNames().toList() shouldBe listOf("id")
            val table = provider.getTable(schema, emptyArray(), HashMap(options.asCaseSensitiveMap())) as DbsqlTable
            val scan = table.newScanBuilder(options).build()
            val stats = (scan as SupportsReportStatistics).estimateStatistics()
            stats.numRows().asLong shouldBe rows
            val batch = scan.toBatch()
            val parts: Array<InputPartition> = batch.planInputPartitions()
            val manifest = table.statement().result.manifest
            parts.size shouldBeGreaterThan 3
            // about 1 MiB each, in whole chunks: no more partitions than chunks
            (parts.size <= manifest.totalChunkCount) shouldBe true
            parts.size.toLong() shouldBe minOf(manifest.totalChunkCount.toLong(), (manifest.totalByteCount!! + (1 shl 20) - 1) / (1 shl 20))
            (scan as org.apache.spark.sql.connector.read.SupportsReportPartitioning).outputPartitioning().numPartitions() shouldBe parts.size

            val factory = batch.createReaderFactory()
            for (p in parts) bytesOf(p) shouldNotContain t.wh.token
            bytesOf(factory) shouldNotContain t.wh.token

            val shippedFactory = roundTrip(factory) as PartitionReaderFactory
            var count = 0L
            var sum = 0L
            for (p in parts) {
                val shipped = roundTrip(p) as InputPartition
                shippedFactory.supportColumnarReads(shipped) shouldBe true
                shippedFactory.createColumnarReader(shipped).use { reader ->
                    while (reader.next()) {
                        val b: ColumnarBatch = reader.get()
                        val ids = b.column(0)
                        (ids is org.apache.spark.sql.vectorized.ArrowColumnVector) shouldBe true // the Arrow buffers, not a copy
                        for (i in 0 until b.numRows()) {
                            count++
                            sum += ids.getLong(i)
                        }
                    }
                }
            }
            count shouldBe rows
            sum shouldBe rows * (rows - 1) / 2
            t.executions(sql).size shouldBe 1
            table.statement().close()
            t.awaitClosed(sql)
        }
    }

    test("an empty result plans one partition that reads nothing") {
        TestWarehouse().use { t ->
            val empty = "SELECT id FROM range(10) WHERE id < 0"
            val df = t.reader().option("query", empty).load()
            df.schema().fieldNames().toList() shouldBe listOf("id")
            df.count() shouldBe 0L
            t.executions(empty).size shouldBe 1
            t.awaitClosed(empty)
        }
    }
})
