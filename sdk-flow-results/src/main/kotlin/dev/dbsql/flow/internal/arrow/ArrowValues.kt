package dev.dbsql.flow.internal.arrow

import org.apache.arrow.vector.BaseIntVector
import org.apache.arrow.vector.BitVector
import org.apache.arrow.vector.DateDayVector
import org.apache.arrow.vector.DateMilliVector
import org.apache.arrow.vector.Decimal256Vector
import org.apache.arrow.vector.DecimalVector
import org.apache.arrow.vector.DurationVector
import org.apache.arrow.vector.FixedSizeBinaryVector
import org.apache.arrow.vector.Float2Vector
import org.apache.arrow.vector.Float4Vector
import org.apache.arrow.vector.Float8Vector
import org.apache.arrow.vector.IntervalDayVector
import org.apache.arrow.vector.IntervalMonthDayNanoVector
import org.apache.arrow.vector.IntervalYearVector
import org.apache.arrow.vector.LargeVarBinaryVector
import org.apache.arrow.vector.LargeVarCharVector
import org.apache.arrow.vector.NullVector
import org.apache.arrow.vector.TimeMicroVector
import org.apache.arrow.vector.TimeMilliVector
import org.apache.arrow.vector.TimeNanoVector
import org.apache.arrow.vector.TimeSecVector
import org.apache.arrow.vector.TimeStampVector
import org.apache.arrow.vector.UInt1Vector
import org.apache.arrow.vector.UInt2Vector
import org.apache.arrow.vector.UInt4Vector
import org.apache.arrow.vector.UInt8Vector
import org.apache.arrow.vector.ValueVector
import org.apache.arrow.vector.VarBinaryVector
import org.apache.arrow.vector.VarCharVector
import org.apache.arrow.vector.ViewVarBinaryVector
import org.apache.arrow.vector.ViewVarCharVector
import org.apache.arrow.vector.complex.BaseListVector
import org.apache.arrow.vector.complex.FixedSizeListVector
import org.apache.arrow.vector.complex.LargeListVector
import org.apache.arrow.vector.complex.ListVector
import org.apache.arrow.vector.complex.MapVector
import org.apache.arrow.vector.complex.StructVector
import org.apache.arrow.vector.types.TimeUnit
import org.apache.arrow.vector.types.pojo.ArrowType
import java.math.BigDecimal
import java.math.BigInteger
import java.time.Duration
import java.time.Instant
import java.time.LocalDate
import java.time.LocalDateTime
import java.time.LocalTime
import java.time.Period
import java.time.ZoneOffset

/**
 * Reads one value of any Arrow vector as a plain JVM value, the same way whatever the wire format:
 * integers as Byte/Short/Int/Long, FLOAT/DOUBLE as Float/Double, decimals as [BigDecimal], text as
 * [String], binary as [ByteArray], DATE as [LocalDate], timestamps with a zone as [Instant] and
 * without one as [LocalDateTime], year-month intervals as [Period], day-time intervals as
 * [Duration], arrays as [List], maps as [Map] and structs as `Map<String, Any?>` (both keep order).
 */
internal object ArrowValues {

    fun read(v: ValueVector, i: Int): Any? {
        if (v is NullVector || v.isNull(i)) return null
        return when (v) {
            is BitVector -> v.get(i) != 0
            is UInt1Vector -> v.get(i).toInt() and 0xFF
            is UInt2Vector -> v.get(i).code
            is UInt4Vector -> v.get(i).toLong() and 0xFFFFFFFFL
            is UInt8Vector -> v.getObjectNoOverflow(i)
            is BaseIntVector -> v.getObject(i)
            is Float2Vector -> v.getValueAsFloat(i)
            is Float4Vector -> v.get(i)
            is Float8Vector -> v.get(i)
            is DecimalVector -> v.getObject(i)
            is Decimal256Vector -> v.getObject(i)
            is VarCharVector -> String(v.get(i), Charsets.UTF_8)
            is LargeVarCharVector -> String(v.get(i), Charsets.UTF_8)
            is ViewVarCharVector -> String(v.get(i), Charsets.UTF_8)
            is VarBinaryVector -> v.get(i)
            is LargeVarBinaryVector -> v.get(i)
            is ViewVarBinaryVector -> v.get(i)
            is FixedSizeBinaryVector -> v.get(i)
            is DateDayVector -> LocalDate.ofEpochDay(v.get(i).toLong())
            is DateMilliVector -> LocalDate.ofEpochDay(Math.floorDiv(v.get(i), 86_400_000L))
            is TimeStampVector -> timestamp(v, i)
            is TimeSecVector -> LocalTime.ofSecondOfDay(v.get(i).toLong())
            is TimeMilliVector -> LocalTime.ofNanoOfDay(v.get(i) * 1_000_000L)
            is TimeMicroVector -> LocalTime.ofNanoOfDay(v.get(i) * 1_000L)
            is TimeNanoVector -> LocalTime.ofNanoOfDay(v.get(i))
            is IntervalYearVector -> Period.ofMonths(v.get(i)).normalized()
            is IntervalDayVector -> v.getObject(i)
            is IntervalMonthDayNanoVector -> v.getObject(i)
            is DurationVector -> v.getObject(i)
            is MapVector -> map(v, i)
            is ListVector, is LargeListVector, is FixedSizeListVector -> list(v as BaseListVector, i)
            is StructVector -> struct(v, i)
            else -> v.getObject(i)
        }
    }

    private fun timestamp(v: TimeStampVector, i: Int): Any {
        val type = v.field.type as ArrowType.Timestamp
        val raw = v.get(i)
        val (seconds, nanos) = when (type.unit) {
            TimeUnit.SECOND -> raw to 0L
            TimeUnit.MILLISECOND -> Math.floorDiv(raw, 1_000L) to Math.floorMod(raw, 1_000L) * 1_000_000L
            TimeUnit.MICROSECOND -> Math.floorDiv(raw, 1_000_000L) to Math.floorMod(raw, 1_000_000L) * 1_000L
            TimeUnit.NANOSECOND -> Math.floorDiv(raw, 1_000_000_000L) to Math.floorMod(raw, 1_000_000_000L)
            null -> error("timestamp without unit")
        }
        val instant = Instant.ofEpochSecond(seconds, nanos)
        return if (type.timezone == null) LocalDateTime.ofInstant(instant, ZoneOffset.UTC) else instant
    }

    private fun list(v: BaseListVector, i: Int): List<Any?> {
        val child = v.getChildrenFromFields().first()
        val start = v.getElementStartIndex(i)
        val end = v.getElementEndIndex(i)
        return (start until end).map { read(child, it) }
    }

    private fun map(v: MapVector, i: Int): Map<Any?, Any?> {
        val entries = v.dataVector as StructVector
        val keys = entries.getChildByOrdinal(0)
        val values = entries.getChildByOrdinal(1)
        val out = LinkedHashMap<Any?, Any?>()
        for (k in v.getElementStartIndex(i) until v.getElementEndIndex(i)) {
            out[mapKey(read(keys, k))] = read(values, k)
        }
        return out
    }

    /** Byte arrays are not usable as map keys; they are keyed by their list of bytes. */
    private fun mapKey(key: Any?): Any? = if (key is ByteArray) key.toList() else key

    private fun struct(v: StructVector, i: Int): Map<String, Any?> {
        val out = LinkedHashMap<String, Any?>()
        for (child in v.getChildrenFromFields()) out[child.name] = read(child, i)
        return out
    }

    /** Widens any integer-like value to [Long], or null when [value] is not one. */
    fun asLong(value: Any?): Long? = when (value) {
        is Long -> value
        is Int -> value.toLong()
        is Short -> value.toLong()
        is Byte -> value.toLong()
        is BigInteger -> value.longValueExact()
        else -> null
    }

    fun asBigDecimal(value: Any?): BigDecimal? = when (value) {
        is BigDecimal -> value
        is BigInteger -> BigDecimal(value)
        is Double -> BigDecimal.valueOf(value)
        is Float -> BigDecimal(value.toString())
        else -> asLong(value)?.let { BigDecimal.valueOf(it) }
    }

    fun asPeriod(value: Any?): Period? = when (value) {
        is Period -> value
        is org.apache.arrow.vector.PeriodDuration -> value.period
        else -> null
    }

    fun asDuration(value: Any?): Duration? = when (value) {
        is Duration -> value
        is org.apache.arrow.vector.PeriodDuration ->
            value.duration.plusDays(value.period.days.toLong())
        else -> null
    }
}
