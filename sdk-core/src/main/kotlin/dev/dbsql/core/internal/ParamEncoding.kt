package dev.dbsql.core.internal

import dev.dbsql.core.ConfigurationException
import java.math.BigDecimal
import java.math.BigInteger
import java.time.Duration
import java.time.Period
import java.time.Instant
import java.time.LocalDate
import java.time.LocalDateTime
import java.time.OffsetDateTime
import java.time.ZonedDateTime
import java.time.format.DateTimeFormatter
import kotlin.reflect.KClass

/** Kotlin values → (text, SQL type) as the server's `CAST(value AS type)` reads them. */
internal object ParamEncoding {
    private const val MAX_DECIMAL_PRECISION = 38
    private const val DAY_TIME = "INTERVAL DAY TO SECOND"
    private const val YEAR_MONTH = "INTERVAL YEAR TO MONTH"

    fun encode(field: String, value: Any?, explicitType: String?, staticClass: KClass<*>?): Pair<String?, String> {
        if (explicitType != null && explicitType.isBlank()) throw ConfigurationException(field, "the SQL type must not be blank")
        if (value == null) {
            val type = explicitType ?: staticClass?.let { typeOfClass(it) }
                ?: throw ConfigurationException(field, "a null needs a type: use typed(null, \"STRING\") or a typed null (null as String?)")
            return null to type
        }
        val (text, inferred) = encodeValue(field, value)
        return text to (explicitType ?: inferred)
    }

    private fun typeOfClass(k: KClass<*>): String? = when (k) {
        String::class, Char::class -> "STRING"
        Int::class -> "INT"
        Long::class -> "BIGINT"
        Short::class -> "SMALLINT"
        Byte::class -> "TINYINT"
        Double::class -> "DOUBLE"
        Float::class -> "FLOAT"
        Boolean::class -> "BOOLEAN"
        BigDecimal::class -> "DECIMAL(38,18)"
        BigInteger::class -> "DECIMAL(38,0)"
        LocalDate::class -> "DATE"
        Instant::class, OffsetDateTime::class, ZonedDateTime::class -> "TIMESTAMP"
        LocalDateTime::class -> "TIMESTAMP_NTZ"
        ByteArray::class -> "BINARY"
        Duration::class -> DAY_TIME
        Period::class -> YEAR_MONTH
        else -> null
    }

    private fun encodeValue(field: String, v: Any): Pair<String, String> = when (v) {
        is String -> v to "STRING"
        is Char -> v.toString() to "STRING"
        is Int -> v.toString() to "INT"
        is Long -> v.toString() to "BIGINT"
        is Short -> v.toString() to "SMALLINT"
        is Byte -> v.toString() to "TINYINT"
        is Double -> v.toString() to "DOUBLE"
        is Float -> v.toString() to "FLOAT"
        is Boolean -> v.toString() to "BOOLEAN"
        is BigDecimal -> decimal(field, v)
        is BigInteger -> decimal(field, BigDecimal(v))
        is LocalDate -> v.format(DateTimeFormatter.ISO_LOCAL_DATE) to "DATE"
        is Instant -> DateTimeFormatter.ISO_INSTANT.format(v) to "TIMESTAMP"
        is OffsetDateTime -> DateTimeFormatter.ISO_INSTANT.format(v.toInstant()) to "TIMESTAMP"
        is ZonedDateTime -> DateTimeFormatter.ISO_INSTANT.format(v.toInstant()) to "TIMESTAMP"
        is LocalDateTime -> v.format(DateTimeFormatter.ISO_LOCAL_DATE_TIME) to "TIMESTAMP_NTZ"
        is ByteArray -> binary(v) to "BINARY"
        is dev.dbsql.core.SqlList -> v.json to "STRING"
        is Duration -> dayTime(field, v) to DAY_TIME
        is Period -> yearMonth(field, v)
        else -> throw ConfigurationException(
            field,
            "values of class ${v::class.qualifiedName} cannot be sent; pass a supported type or typed(text, \"SQL TYPE\")",
        )
    }

    private fun decimal(field: String, raw: BigDecimal): Pair<String, String> {
        val v = if (raw.scale() < 0) raw.setScale(0) else raw
        val precision = maxOf(v.precision(), v.scale(), 1)
        if (precision > MAX_DECIMAL_PRECISION) {
            throw ConfigurationException(field, "decimal $v needs precision $precision; at most $MAX_DECIMAL_PRECISION is supported")
        }
        return v.toPlainString() to "DECIMAL($precision,${v.scale()})"
    }

    /**
     * A [Duration] as ANSI day-time text, `[-]D HH:MM:SS.ffffff`. The server keeps microseconds:
     * a duration with a finer part is refused rather than cut.
     */
    private fun dayTime(field: String, d: Duration): String {
        if (d.nano % 1_000 != 0) throw ConfigurationException(field, "INTERVAL DAY TO SECOND holds microseconds; $d has a finer part")
        val abs = d.abs()
        val sign = if (d.isNegative) "-" else ""
        val micros = abs.nano / 1_000
        return "$sign${abs.toDays()} ${two(abs.toHoursPart())}:${two(abs.toMinutesPart())}:${two(abs.toSecondsPart())}" +
            ".${micros.toString().padStart(6, '0')}"
    }

    /**
     * A [Period] of years and months as ANSI year-month text `[-]Y-M` (INTERVAL YEAR TO MONTH); a
     * period of days only as an INTERVAL DAY. Periods mixing months and days have no SQL interval
     * type and are refused, as are mixed signs.
     */
    private fun yearMonth(field: String, p: Period): Pair<String, String> {
        if (p.days != 0) {
            if (p.toTotalMonths() != 0L) {
                throw ConfigurationException(field, "$p mixes months and days; no SQL INTERVAL holds both (send two parameters)")
            }
            return p.days.toString() to "INTERVAL DAY"
        }
        val months = p.toTotalMonths()
        val sign = if (months < 0) "-" else ""
        val abs = Math.abs(months)
        return "$sign${abs / 12}-${abs % 12}" to YEAR_MONTH
    }

    private fun two(n: Int): String = if (n < 10) "0$n" else n.toString()

    /** BINARY values travel as base64 text (standard alphabet, padded), as the server decodes them. */
    private fun binary(bytes: ByteArray): String = java.util.Base64.getEncoder().encodeToString(bytes)
}
