package dev.dbsql.flow.internal.json

import java.math.BigDecimal
import java.time.Duration
import java.time.Instant
import java.time.LocalDate
import java.time.LocalDateTime
import java.time.Period
import java.time.ZoneOffset
import java.time.format.DateTimeFormatter
import java.time.format.DateTimeFormatterBuilder
import java.time.temporal.ChronoField
import java.util.Base64

/** Parses the text forms JSON_ARRAY results use for each SQL type. */
internal object TextValues {

    private val dateTime: DateTimeFormatter = DateTimeFormatterBuilder()
        .parseCaseInsensitive()
        .append(DateTimeFormatter.ISO_LOCAL_DATE)
        .optionalStart().appendLiteral('T').optionalEnd()
        .optionalStart().appendLiteral(' ').optionalEnd()
        .appendValue(ChronoField.HOUR_OF_DAY, 2).appendLiteral(':')
        .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
        .optionalStart().appendLiteral(':').appendValue(ChronoField.SECOND_OF_MINUTE, 2).optionalEnd()
        .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
        .optionalStart().appendOffset("+HH:MM:ss", "Z").optionalEnd()
        .optionalStart().appendOffset("+HHmm", "Z").optionalEnd()
        .optionalStart().appendOffset("+HH", "Z").optionalEnd()
        .toFormatter()

    fun boolean(text: String): Boolean = when (text.trim().lowercase()) {
        "true", "t", "1" -> true
        "false", "f", "0" -> false
        else -> throw IllegalArgumentException("not a BOOLEAN: '$text'")
    }

    fun double(text: String): Double = when (text.trim().lowercase()) {
        "nan", "+nan", "-nan" -> Double.NaN
        "inf", "+inf", "infinity", "+infinity" -> Double.POSITIVE_INFINITY
        "-inf", "-infinity" -> Double.NEGATIVE_INFINITY
        else -> text.trim().toDouble()
    }

    fun decimal(text: String, scale: Int): BigDecimal = BigDecimal(text.trim()).setScale(scale)

    fun binary(text: String): ByteArray = Base64.getMimeDecoder().decode(text)

    fun date(text: String): LocalDate = LocalDate.parse(text.trim())

    /** The date-time fields (and offset, when there is one) of [text]. */
    fun parseDateTime(text: String): java.time.temporal.TemporalAccessor = dateTime.parse(text.trim())

    /** TIMESTAMP: ISO-8601 with an offset (or `Z`); text without an offset is read as UTC. */
    fun instant(text: String): Instant {
        val parsed = dateTime.parse(text.trim())
        val local = LocalDateTime.from(parsed)
        val offset = if (parsed.isSupported(ChronoField.OFFSET_SECONDS)) {
            ZoneOffset.ofTotalSeconds(parsed.get(ChronoField.OFFSET_SECONDS))
        } else {
            ZoneOffset.UTC
        }
        return local.toInstant(offset)
    }

    /** TIMESTAMP_NTZ: ISO-8601 local date-time (`T` or a space between date and time). */
    fun localDateTime(text: String): LocalDateTime = LocalDateTime.from(dateTime.parse(text.trim()))

    fun epochMicros(instant: Instant): Long =
        Math.addExact(Math.multiplyExact(instant.epochSecond, 1_000_000L), instant.nano / 1_000L.toLong())

    /**
     * Year-month intervals: `Y-M` (`-1-2`), a single number of the leading unit, an ISO-8601 period
     * (`P1Y2M`) or an `INTERVAL '…' YEAR TO MONTH` literal. Returns total months.
     */
    fun yearMonth(text: String, type: SqlType.Interval): Int {
        val body = unwrapLiteral(text)
        if (body.startsWith("P", ignoreCase = true) || body.startsWith("-P", ignoreCase = true)) {
            return Period.parse(body).toTotalMonths().toInt()
        }
        val negative = body.startsWith("-")
        val digits = body.removePrefix("-").removePrefix("+")
        val months = if (digits.contains('-')) {
            val (y, m) = digits.split('-', limit = 2)
            y.toLong() * 12 + m.toLong()
        } else if (type.from == IntervalUnit.YEAR && type.to == IntervalUnit.YEAR) {
            digits.toLong() * 12
        } else {
            digits.toLong()
        }
        return Math.toIntExact(if (negative) -months else months)
    }

    /**
     * Day-time intervals: `D HH:MM:SS.fffffffff` cut to the type's fields (`HH:MM` for HOUR TO MINUTE,
     * `SS.f` for SECOND, …), an ISO-8601 duration (`P1DT2H`, `PT3.5S`) or an `INTERVAL '…' DAY TO SECOND` literal.
     */
    fun dayTime(text: String, type: SqlType.Interval): Duration {
        val body = unwrapLiteral(text)
        if (body.startsWith("P", ignoreCase = true) || body.startsWith("-P", ignoreCase = true)) {
            return Duration.parse(body)
        }
        val negative = body.startsWith("-")
        val fields = body.removePrefix("-").removePrefix("+").split(' ', ':').filter { it.isNotEmpty() }
        val units = IntervalUnit.entries.subList(IntervalUnit.DAY.ordinal, IntervalUnit.entries.size)
        val first = if (type.from < IntervalUnit.DAY) 0 else units.indexOf(type.from)
        require(first + fields.size <= units.size) { "not a ${type.from} TO ${type.to} interval: '$text'" }
        var total = Duration.ZERO
        fields.forEachIndexed { k, f ->
            total = total.plus(
                when (units[first + k]) {
                    IntervalUnit.DAY -> Duration.ofDays(f.toLong())
                    IntervalUnit.HOUR -> Duration.ofHours(f.toLong())
                    IntervalUnit.MINUTE -> Duration.ofMinutes(f.toLong())
                    else -> seconds(f)
                },
            )
        }
        return if (negative) total.negated() else total
    }

    fun durationMicros(d: Duration): Long =
        Math.addExact(Math.multiplyExact(d.seconds, 1_000_000L), (d.nano / 1_000).toLong())

    private fun seconds(text: String): Duration {
        val d = BigDecimal(text)
        val whole = d.toBigInteger().toLong()
        val nanos = d.subtract(BigDecimal(whole)).movePointRight(9).toLong()
        return Duration.ofSeconds(whole, nanos)
    }

    private fun unwrapLiteral(text: String): String {
        val t = text.trim()
        if (!t.startsWith("INTERVAL", ignoreCase = true)) return t
        val open = t.indexOf('\'')
        val close = t.indexOf('\'', open + 1)
        require(open >= 0 && close > open) { "not an interval literal: '$text'" }
        val sign = if (t.substring(8, open).trim() == "-") "-" else ""
        val inner = t.substring(open + 1, close).trim()
        return if (sign == "-" && inner.startsWith("-")) inner.substring(1) else sign + inner
    }
}
