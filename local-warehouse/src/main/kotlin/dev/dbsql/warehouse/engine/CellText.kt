package dev.dbsql.warehouse.engine

import org.apache.arrow.vector.BaseIntVector
import org.apache.arrow.vector.BigIntVector
import org.apache.arrow.vector.BitVector
import org.apache.arrow.vector.DateDayVector
import org.apache.arrow.vector.DecimalVector
import org.apache.arrow.vector.DurationVector
import org.apache.arrow.vector.FieldVector
import org.apache.arrow.vector.Float4Vector
import org.apache.arrow.vector.Float8Vector
import org.apache.arrow.vector.IntVector
import org.apache.arrow.vector.IntervalYearVector
import org.apache.arrow.vector.NullVector
import org.apache.arrow.vector.SmallIntVector
import org.apache.arrow.vector.TimeStampMicroTZVector
import org.apache.arrow.vector.TimeStampMicroVector
import org.apache.arrow.vector.TinyIntVector
import org.apache.arrow.vector.VarBinaryVector
import org.apache.arrow.vector.VarCharVector
import org.apache.arrow.vector.complex.ListVector
import org.apache.arrow.vector.complex.MapVector
import org.apache.arrow.vector.complex.StructVector
import java.time.Instant
import java.time.LocalDate
import java.time.LocalDateTime
import java.time.ZoneId
import java.time.ZoneOffset
import java.util.Base64
import kotlin.math.abs

/**
 * Text forms of Arrow values for JSON_ARRAY and CSV cells (see docs/local-warehouse-types.md).
 * Scalars: plain text. Nested values: compact JSON text whose leaves use the same scalar forms,
 * numbers and booleans unquoted.
 */
internal class CellText(private val zone: ZoneId) {
    /** Text of the cell, or null for SQL NULL. */
    fun text(v: FieldVector, i: Int): String? {
        if (v is NullVector || v.isNull(i)) return null
        return when (v) {
            is ListVector, is StructVector -> StringBuilder().also { json(v, i, it) }.toString()
            else -> scalar(v, i)
        }
    }

    private fun scalar(v: FieldVector, i: Int): String = when (v) {
        is BitVector -> if (v.get(i) != 0) "true" else "false"
        is TinyIntVector -> v.get(i).toString()
        is SmallIntVector -> v.get(i).toString()
        is IntVector -> v.get(i).toString()
        is BigIntVector -> v.get(i).toString()
        is Float4Vector -> v.get(i).toString()
        is Float8Vector -> v.get(i).toString()
        is DecimalVector -> v.getObject(i).toPlainString()
        is VarCharVector -> String(v.get(i), Charsets.UTF_8)
        is VarBinaryVector -> Base64.getEncoder().encodeToString(v.get(i))
        is DateDayVector -> LocalDate.ofEpochDay(v.get(i).toLong()).toString()
        is TimeStampMicroTZVector -> timestampTz(v.get(i))
        is TimeStampMicroVector -> timestampNtz(v.get(i))
        is IntervalYearVector -> yearMonth(v.get(i))
        is DurationVector -> dayTime(DurationVector.get(v.dataBuffer, i))
        is BaseIntVector -> v.getValueAsLong(i).toString()
        else -> v.getObject(i).toString()
    }

    fun timestampNtz(micros: Long): String {
        val secs = Math.floorDiv(micros, 1_000_000L)
        val frac = Math.floorMod(micros, 1_000_000L).toInt()
        val t = LocalDateTime.ofEpochSecond(secs, 0, ZoneOffset.UTC)
        return isoLocal(t) + fraction(frac)
    }

    fun timestampTz(micros: Long): String {
        val secs = Math.floorDiv(micros, 1_000_000L)
        val frac = Math.floorMod(micros, 1_000_000L).toInt()
        val offset = zone.rules.getOffset(Instant.ofEpochSecond(secs))
        val t = LocalDateTime.ofEpochSecond(secs, 0, offset)
        return isoLocal(t) + fraction(frac) + offset.id
    }

    private fun isoLocal(t: LocalDateTime): String {
        val sb = StringBuilder(26)
        val y = t.year
        if (y in 0..9999) sb.append(y.toString().padStart(4, '0')) else sb.append(if (y > 0) "+$y" else y.toString())
        sb.append('-').append(two(t.monthValue)).append('-').append(two(t.dayOfMonth))
        sb.append('T').append(two(t.hour)).append(':').append(two(t.minute)).append(':').append(two(t.second))
        return sb.toString()
    }

    private fun two(n: Int) = if (n < 10) "0$n" else n.toString()

    /** `.SSS` always; `.SSSSSS` when there are microseconds. */
    private fun fraction(micros: Int): String =
        if (micros % 1000 == 0) "." + (micros / 1000).toString().padStart(3, '0') else "." + micros.toString().padStart(6, '0')

    fun yearMonth(months: Int): String {
        val sign = if (months < 0) "-" else ""
        val m = abs(months.toLong())
        return "$sign${m / 12}-${m % 12}"
    }

    fun dayTime(micros: Long): String {
        val sign = if (micros < 0) "-" else ""
        val u = if (micros == Long.MIN_VALUE) Long.MAX_VALUE else abs(micros)
        val days = u / 86_400_000_000L
        var rest = u % 86_400_000_000L
        val h = rest / 3_600_000_000L; rest %= 3_600_000_000L
        val m = rest / 60_000_000L; rest %= 60_000_000L
        val s = rest / 1_000_000L
        val frac = (rest % 1_000_000L) * 1000
        return "$sign$days ${two(h.toInt())}:${two(m.toInt())}:${two(s.toInt())}." + frac.toString().padStart(9, '0')
    }

    /** Appends the JSON form of a (possibly nested) value. */
    fun json(v: FieldVector, i: Int, sb: StringBuilder) {
        if (v is NullVector || v.isNull(i)) { sb.append("null"); return }
        when (v) {
            is MapVector -> {
                val entries = v.dataVector as StructVector
                val keys = entries.getChildByOrdinal(0) as FieldVector
                val values = entries.getChildByOrdinal(1) as FieldVector
                sb.append('{')
                for (k in v.getElementStartIndex(i) until v.getElementEndIndex(i)) {
                    if (k > v.getElementStartIndex(i)) sb.append(',')
                    val key = text(keys, k) ?: "null"
                    Json.quote(key, sb)
                    sb.append(':')
                    json(values, k, sb)
                }
                sb.append('}')
            }
            is ListVector -> {
                val data = v.dataVector
                sb.append('[')
                for (k in v.getElementStartIndex(i) until v.getElementEndIndex(i)) {
                    if (k > v.getElementStartIndex(i)) sb.append(',')
                    json(data, k, sb)
                }
                sb.append(']')
            }
            is StructVector -> {
                sb.append('{')
                for (c in 0 until v.size()) {
                    if (c > 0) sb.append(',')
                    val child = v.getChildByOrdinal(c) as FieldVector
                    Json.quote(child.name, sb)
                    sb.append(':')
                    json(child, i, sb)
                }
                sb.append('}')
            }
            is BitVector, is TinyIntVector, is SmallIntVector, is IntVector, is BigIntVector, is DecimalVector -> sb.append(scalar(v, i))
            is Float4Vector -> v.get(i).let { if (it.isFinite()) sb.append(it.toString()) else Json.quote(it.toString(), sb) }
            is Float8Vector -> v.get(i).let { if (it.isFinite()) sb.append(it.toString()) else Json.quote(it.toString(), sb) }
            else -> Json.quote(scalar(v, i), sb)
        }
    }
}

/** Minimal JSON text helpers for the hot path of JSON_ARRAY writing. */
internal object Json {
    private val HEX = "0123456789abcdef".toCharArray()

    fun quote(s: String, sb: StringBuilder) {
        sb.append('"')
        for (ch in s) {
            when {
                ch == '"' -> sb.append("\\\"")
                ch == '\\' -> sb.append("\\\\")
                ch == '\n' -> sb.append("\\n")
                ch == '\r' -> sb.append("\\r")
                ch == '\t' -> sb.append("\\t")
                ch < ' ' || ch == '\u2028' || ch == '\u2029' -> {
                    sb.append("\\u").append(HEX[ch.code shr 12 and 15]).append(HEX[ch.code shr 8 and 15])
                        .append(HEX[ch.code shr 4 and 15]).append(HEX[ch.code and 15])
                }
                else -> sb.append(ch)
            }
        }
        sb.append('"')
    }
}
