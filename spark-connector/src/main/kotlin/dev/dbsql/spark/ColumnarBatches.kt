package dev.dbsql.spark

import dev.dbsql.flow.RecordBatch
import dev.dbsql.flow.UnsupportedResultFormatException
import org.apache.arrow.vector.BaseIntVector
import org.apache.arrow.vector.DecimalVector
import org.apache.arrow.vector.FieldVector
import org.apache.arrow.vector.TimeStampVector
import org.apache.arrow.vector.VarCharVector
import org.apache.arrow.vector.types.TimeUnit
import org.apache.arrow.vector.types.pojo.ArrowType
import org.apache.spark.sql.execution.vectorized.OnHeapColumnVector
import org.apache.spark.sql.types.ArrayType
import org.apache.spark.sql.types.DataType
import org.apache.spark.sql.types.DataTypes
import org.apache.spark.sql.types.DayTimeIntervalType
import org.apache.spark.sql.types.Decimal
import org.apache.spark.sql.types.DecimalType
import org.apache.spark.sql.types.MapType
import org.apache.spark.sql.types.StructType
import org.apache.spark.sql.types.YearMonthIntervalType
import org.apache.spark.sql.vectorized.ArrowColumnVector
import org.apache.spark.sql.vectorized.ColumnVector
import org.apache.spark.sql.vectorized.ColumnarBatch

/**
 * Arrow record batches as Spark [ColumnarBatch]es. A column whose Arrow layout is what Spark
 * expects for the declared type (every type the warehouse sends in ARROW_STREAM) is wrapped in an
 * [ArrowColumnVector]: no copy, the batch reads the Arrow buffers. Anything else (a type read as
 * STRING because this Spark does not know it, timestamps in another unit, another decimal scale,
 * a narrower integer) is copied into an on-heap vector of the declared type; a column that cannot
 * be converted fails with [UnsupportedResultFormatException] naming it.
 */
internal object ColumnarBatches {
    /** A converted batch and the on-heap vectors it made, freed by [close] (the Arrow ones belong to the [RecordBatch]). */
    class Converted(val batch: ColumnarBatch, private val owned: List<OnHeapColumnVector>) : AutoCloseable {
        override fun close() {
            owned.forEach { it.close() }
        }
    }

    fun convert(batch: RecordBatch, schema: StructType, columns: IntArray): Converted {
        val owned = ArrayList<OnHeapColumnVector>()
        val vectors = Array<ColumnVector>(columns.size) { i ->
            val declared = schema.fields()[i].dataType()
            val arrow = batch.vector(columns[i])
            zeroCopy(arrow, declared) ?: copy(arrow, declared, batch.rowCount, schema.fields()[i].name()).also { owned += it }
        }
        return Converted(ColumnarBatch(vectors, batch.rowCount), owned)
    }

    private fun zeroCopy(arrow: FieldVector, declared: DataType): ArrowColumnVector? {
        val vector = try {
            ArrowColumnVector(arrow)
        } catch (e: UnsupportedOperationException) {
            return null
        }
        return vector.takeIf { compatible(declared, it.dataType()) }
    }

    /** True when Spark reads [actual]'s Arrow layout correctly as [declared]. */
    internal fun compatible(declared: DataType, actual: DataType): Boolean = when {
        declared is DecimalType && actual is DecimalType -> declared.scale() == actual.scale() && actual.precision() <= declared.precision()
        declared is DayTimeIntervalType -> actual is DayTimeIntervalType
        declared is YearMonthIntervalType -> actual is YearMonthIntervalType
        declared is ArrayType && actual is ArrayType -> compatible(declared.elementType(), actual.elementType())
        declared is MapType && actual is MapType ->
            compatible(declared.keyType(), actual.keyType()) && compatible(declared.valueType(), actual.valueType())
        declared is StructType && actual is StructType ->
            declared.fields().size == actual.fields().size &&
                declared.fields().indices.all { compatible(declared.fields()[it].dataType(), actual.fields()[it].dataType()) }
        else -> declared.sameType(actual)
    }

    private fun copy(arrow: FieldVector, declared: DataType, rows: Int, name: String): OnHeapColumnVector {
        val out = OnHeapColumnVector(rows, declared)
        try {
            for (i in 0 until rows) {
                if (arrow.isNull(i)) out.putNull(i) else put(out, i, arrow, declared, name)
            }
        } catch (e: RuntimeException) {
            out.close()
            throw e
        }
        return out
    }

    private fun put(out: OnHeapColumnVector, i: Int, arrow: FieldVector, declared: DataType, name: String) {
        when {
            declared == DataTypes.StringType -> {
                val bytes = if (arrow is VarCharVector) arrow.get(i) else arrow.getObject(i).toString().toByteArray(Charsets.UTF_8)
                out.putByteArray(i, bytes)
            }
            (declared == DataTypes.TimestampType || declared == DataTypes.TimestampNTZType) && arrow is TimeStampVector ->
                out.putLong(i, micros(arrow.get(i), (arrow.field.type as ArrowType.Timestamp).unit))
            declared is DecimalType && arrow is DecimalVector ->
                out.putDecimal(i, Decimal.apply(arrow.getObject(i), declared.precision(), declared.scale()), declared.precision())
            arrow is BaseIntVector && declared == DataTypes.LongType -> out.putLong(i, arrow.getValueAsLong(i))
            arrow is BaseIntVector && declared == DataTypes.IntegerType -> out.putInt(i, Math.toIntExact(arrow.getValueAsLong(i)))
            arrow is BaseIntVector && declared == DataTypes.ShortType -> out.putShort(i, arrow.getValueAsLong(i).toShort())
            else -> throw UnsupportedResultFormatException(
                "column '$name': Arrow type ${arrow.field.type} cannot be read as Spark ${declared.simpleString()}", null,
            )
        }
    }

    private fun micros(value: Long, unit: TimeUnit): Long = when (unit) {
        TimeUnit.SECOND -> Math.multiplyExact(value, 1_000_000L)
        TimeUnit.MILLISECOND -> Math.multiplyExact(value, 1_000L)
        TimeUnit.MICROSECOND -> value
        TimeUnit.NANOSECOND -> Math.floorDiv(value, 1_000L)
    }
}
