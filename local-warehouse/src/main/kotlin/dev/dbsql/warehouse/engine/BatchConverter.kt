package dev.dbsql.warehouse.engine

import org.apache.arrow.memory.BufferAllocator
import org.apache.arrow.vector.BaseIntVector
import org.apache.arrow.vector.DurationVector
import org.apache.arrow.vector.FieldVector
import org.apache.arrow.vector.IntervalMonthDayNanoVector
import org.apache.arrow.vector.IntervalYearVector
import org.apache.arrow.vector.VarCharVector
import org.apache.arrow.vector.VectorSchemaRoot
import org.apache.arrow.vector.dictionary.DictionaryProvider
import org.apache.arrow.vector.types.IntervalUnit
import org.apache.arrow.vector.types.TimeUnit
import org.apache.arrow.vector.types.pojo.ArrowType
import org.apache.arrow.vector.types.pojo.Field
import org.apache.arrow.vector.types.pojo.FieldType
import org.apache.arrow.vector.types.pojo.Schema

/** How one result column goes from DuckDB's Arrow export to the stored result. */
internal enum class ColumnKind {
    /** DuckDB's vector already has the Databricks layout: its buffers are written as they are. */
    DIRECT,
    /** DuckDB INTERVAL (month-day-nano): becomes YEAR TO MONTH or DAY TO SECOND, decided on the first batch. */
    INTERVAL,
    /** A DuckDB type without a Databricks twin that could not be cast inside the query: written as text. */
    TEXT,
}

internal class ColumnPlan(val name: String, val duck: DuckType, val kind: ColumnKind)

/**
 * Turns each batch of DuckDB's Arrow export into the batch that is stored. Direct columns are
 * passed through without copying; converted columns are new vectors owned by this converter until
 * the next [convert] or [close]. Runs on the thread that runs the statement.
 */
internal class BatchConverter(
    private val plans: List<ColumnPlan>,
    private val zoneId: String,
    private val allocator: BufferAllocator,
    private val dictionaries: DictionaryProvider?,
) : AutoCloseable {
    private val owned = ArrayList<FieldVector>()
    private var yearMonth: BooleanArray? = null

    /** The stored schema; known after the first [convert] (or [decideWithoutData]). */
    lateinit var schema: Schema
        private set
    lateinit var columns: List<ColumnDesc>
        private set

    fun decideWithoutData(srcFields: List<Field>) {
        if (yearMonth == null) decide(srcFields, null)
    }

    fun convert(src: VectorSchemaRoot): VectorSchemaRoot {
        releaseOwned()
        if (yearMonth == null) decide(src.schema.fields, src)
        val n = src.rowCount
        val out = plans.mapIndexed { c, plan ->
            val v = src.getVector(c)
            when (plan.kind) {
                ColumnKind.DIRECT -> v
                ColumnKind.INTERVAL -> convertInterval(v as IntervalMonthDayNanoVector, yearMonth!![c], n)
                ColumnKind.TEXT -> convertText(v, n)
            }
        }
        return VectorSchemaRoot(schema.fields, out, n)
    }

    private fun decide(srcFields: List<Field>, first: VectorSchemaRoot?) {
        val ym = BooleanArray(plans.size)
        val fields = ArrayList<Field>()
        val cols = ArrayList<ColumnDesc>()
        plans.forEachIndexed { c, plan ->
            val src = srcFields[c]
            var dbx: DbxType
            val type: ArrowType
            var children = src.children
            when (plan.kind) {
                ColumnKind.DIRECT -> {
                    dbx = TypeMapping.dbx(plan.duck)
                    type = src.type.let { t -> if (t is ArrowType.Timestamp && t.timezone != null) ArrowType.Timestamp(t.unit, zoneId) else t }
                }
                ColumnKind.INTERVAL -> {
                    ym[c] = first != null && isYearMonth(first.getVector(c) as IntervalMonthDayNanoVector, first.rowCount)
                    dbx = if (ym[c]) TypeMapping.YEAR_MONTH else TypeMapping.dbx(plan.duck)
                    type = if (ym[c]) ArrowType.Interval(IntervalUnit.YEAR_MONTH) else ArrowType.Duration(TimeUnit.MICROSECOND)
                    children = emptyList()
                }
                ColumnKind.TEXT -> {
                    dbx = DbxType("STRING", "STRING"); type = ArrowType.Utf8.INSTANCE; children = emptyList()
                }
            }
            val meta = mapOf("Spark:DataType:SqlName" to dbx.typeText)
            fields += Field(plan.name, FieldType(true, type, null, meta), children)
            cols += ColumnDesc(plan.name, dbx.typeName, dbx.typeText, c, dbx.precision, dbx.scale, dbx.intervalType)
        }
        yearMonth = ym
        schema = Schema(fields)
        columns = cols
    }

    private fun isYearMonth(v: IntervalMonthDayNanoVector, n: Int): Boolean {
        var any = false
        val buf = v.dataBuffer
        for (i in 0 until n) {
            if (v.isNull(i)) continue
            val base = i.toLong() * 16
            if (buf.getInt(base + 4) != 0 || buf.getLong(base + 8) != 0L) return false
            any = true
        }
        return any
    }

    private fun convertInterval(v: IntervalMonthDayNanoVector, ym: Boolean, n: Int): FieldVector {
        val buf = v.dataBuffer
        if (ym) {
            val out = IntervalYearVector("", allocator).also { owned += it }
            out.allocateNew(n)
            for (i in 0 until n) if (!v.isNull(i)) out.set(i, buf.getInt(i.toLong() * 16))
            out.valueCount = n
            return out
        }
        val out = DurationVector("", FieldType.nullable(ArrowType.Duration(TimeUnit.MICROSECOND)), allocator).also { owned += it }
        out.allocateNew(n)
        for (i in 0 until n) {
            if (v.isNull(i)) continue
            val base = i.toLong() * 16
            val months = buf.getInt(base).toLong()
            val days = buf.getInt(base + 4).toLong()
            val nanos = buf.getLong(base + 8)
            out.set(i, (months * 30 + days) * 86_400_000_000L + nanos / 1000)
        }
        out.valueCount = n
        return out
    }

    private fun convertText(v: FieldVector, n: Int): FieldVector {
        val out = VarCharVector("", allocator).also { owned += it }
        out.allocateNew(n)
        val dict = v.field.dictionary?.let { dictionaries?.lookup(it.id)?.vector }
        for (i in 0 until n) {
            if (v.isNull(i)) continue
            val obj = if (dict != null) dict.getObject((v as BaseIntVector).getValueAsLong(i).toInt()) else v.getObject(i)
            val text = when (obj) {
                null -> continue
                is ByteArray -> String(obj, Charsets.UTF_8)
                else -> obj.toString()
            }
            out.setSafe(i, text.toByteArray(Charsets.UTF_8))
        }
        out.valueCount = n
        return out
    }

    private fun releaseOwned() {
        owned.forEach { it.close() }
        owned.clear()
    }

    override fun close() = releaseOwned()
}
