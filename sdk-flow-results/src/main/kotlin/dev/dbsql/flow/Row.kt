package dev.dbsql.flow

import dev.dbsql.flow.internal.arrow.ArrowValues
import dev.dbsql.flow.internal.arrow.ValueText
import java.math.BigDecimal
import java.time.Duration
import java.time.Instant
import java.time.LocalDate
import java.time.LocalDateTime
import java.time.OffsetDateTime
import java.time.Period
import java.time.ZoneOffset
import java.time.ZonedDateTime
import org.apache.arrow.vector.TimeStampVector
import org.apache.arrow.vector.types.pojo.ArrowType
import dev.dbsql.flow.internal.json.TimestampZones

/**
 * A view of one row of a [RecordBatch], with typed getters by 0-based column index or by name.
 *
 * **Lifetime.** A row reads its batch's Arrow buffers directly: it is valid only while that batch is
 * open (in `rows()` flows: only until the collector returns for this row). Call [toMap] or [toList]
 * to keep the values.
 *
 * **Nulls.** Every getter returns null for SQL NULL. Getters widen where nothing is lost (an INT
 * column read with [getLong], a LONG with [getBigDecimal]) and throw [ClassCastException] otherwise.
 * Values are the same whichever wire format the result came in; see [getObject] for the mapping.
 */
public class Row private constructor(private val batch: RecordBatch, public val index: Int) {

    /** The value of column [column] as a plain JVM value (see [getObject] by name). */
    public fun getObject(column: Int): Any? = ArrowValues.read(batch.checkOpen().vector(column), index)

    /**
     * The value of column [name]: Boolean; Byte / Short / Int / Long for TINYINT … BIGINT; Float /
     * Double; [BigDecimal] for DECIMAL; String; ByteArray for BINARY; [LocalDate] for DATE; [Instant]
     * for TIMESTAMP and [LocalDateTime] for TIMESTAMP_NTZ; [Period] for year-month and [Duration] for
     * day-time INTERVALs; List for ARRAY, Map for MAP and `Map<String, Any?>` for STRUCT (ordered).
     */
    public fun getObject(name: String): Any? = getObject(batch.columnIndex(name))

    public fun isNull(column: Int): Boolean = batch.checkOpen().vector(column).isNull(index)
    public fun isNull(name: String): Boolean = isNull(batch.columnIndex(name))

    /**
     * Text columns as they are; any other value rendered as text: decimals plain, binary base64,
     * nested values JSON, dates and times ISO-8601. A TIMESTAMP renders like the server's own text,
     * in the session time zone of the result with its offset (`2021-01-01T10:00:00.000-08:00`,
     * `…Z` for UTC; milliseconds always, microseconds when there are any).
     */
    public fun getString(column: Int): String? {
        val value = getObject(column) ?: return null
        if (value is Instant) return ValueText.timestamp(value.atZone(zoneOf(column)))
        return ValueText.render(value)
    }
    public fun getString(name: String): String? = getString(batch.columnIndex(name))

    public fun getLong(column: Int): Long? = convert(column, "Long") { ArrowValues.asLong(it) }
    public fun getLong(name: String): Long? = getLong(batch.columnIndex(name))

    public fun getInt(column: Int): Int? = getLong(column)?.let {
        if (it < Int.MIN_VALUE || it > Int.MAX_VALUE) throw ArithmeticException("value $it of column $column does not fit an Int")
        it.toInt()
    }
    public fun getInt(name: String): Int? = getInt(batch.columnIndex(name))

    public fun getDouble(column: Int): Double? = convert(column, "Double") {
        when (it) {
            is Double -> it
            is Float -> it.toDouble()
            is BigDecimal -> it.toDouble()
            else -> ArrowValues.asLong(it)?.toDouble()
        }
    }
    public fun getDouble(name: String): Double? = getDouble(batch.columnIndex(name))

    public fun getBigDecimal(column: Int): BigDecimal? = convert(column, "BigDecimal") { ArrowValues.asBigDecimal(it) }
    public fun getBigDecimal(name: String): BigDecimal? = getBigDecimal(batch.columnIndex(name))

    public fun getBoolean(column: Int): Boolean? = convert(column, "Boolean") { it as? Boolean }
    public fun getBoolean(name: String): Boolean? = getBoolean(batch.columnIndex(name))

    public fun getLocalDate(column: Int): LocalDate? = convert(column, "LocalDate") { it as? LocalDate }
    public fun getLocalDate(name: String): LocalDate? = getLocalDate(batch.columnIndex(name))

    /** TIMESTAMP (with a zone) as an instant; TIMESTAMP_NTZ is refused (it names no instant). */
    public fun getInstant(column: Int): Instant? = convert(column, "Instant") { it as? Instant }
    public fun getInstant(name: String): Instant? = getInstant(batch.columnIndex(name))

    /**
     * TIMESTAMP in the result's session time zone (the zone a real warehouse names in its Arrow
     * fields, e.g. `America/Los_Angeles`; for JSON results the offset the server wrote, see
     * [getString]). TIMESTAMP_NTZ is refused (it names no instant).
     */
    public fun getZonedDateTime(column: Int): ZonedDateTime? =
        convert(column, "ZonedDateTime") { (it as? Instant)?.atZone(zoneOf(column)) }
    public fun getZonedDateTime(name: String): ZonedDateTime? = getZonedDateTime(batch.columnIndex(name))

    /** TIMESTAMP with the offset of the result's session time zone at that instant (see [getZonedDateTime]). */
    public fun getOffsetDateTime(column: Int): OffsetDateTime? = getZonedDateTime(column)?.toOffsetDateTime()
    public fun getOffsetDateTime(name: String): OffsetDateTime? = getOffsetDateTime(batch.columnIndex(name))

    /** TIMESTAMP_NTZ as it is; TIMESTAMP as its UTC wall-clock time. */
    public fun getLocalDateTime(column: Int): LocalDateTime? = convert(column, "LocalDateTime") {
        when (it) {
            is LocalDateTime -> it
            is Instant -> LocalDateTime.ofInstant(it, ZoneOffset.UTC)
            else -> null
        }
    }
    public fun getLocalDateTime(name: String): LocalDateTime? = getLocalDateTime(batch.columnIndex(name))

    /** BINARY columns; a copy of the bytes. */
    public fun getBytes(column: Int): ByteArray? = convert(column, "ByteArray") { it as? ByteArray }
    public fun getBytes(name: String): ByteArray? = getBytes(batch.columnIndex(name))

    /** Year-month INTERVAL columns. */
    public fun getPeriod(column: Int): Period? = convert(column, "Period") { ArrowValues.asPeriod(it) }
    public fun getPeriod(name: String): Period? = getPeriod(batch.columnIndex(name))

    /** Day-time INTERVAL columns. */
    public fun getDuration(column: Int): Duration? = convert(column, "Duration") { ArrowValues.asDuration(it) }
    public fun getDuration(name: String): Duration? = getDuration(batch.columnIndex(name))

    /** ARRAY columns, elements as [getObject] gives them. */
    @Suppress("UNCHECKED_CAST")
    public fun getList(column: Int): List<Any?>? = convert(column, "List") { it as? List<Any?> }
    public fun getList(name: String): List<Any?>? = getList(batch.columnIndex(name))

    /** MAP columns, in the order the server sent the entries. */
    @Suppress("UNCHECKED_CAST")
    public fun getMap(column: Int): Map<Any?, Any?>? =
        convert(column, "Map") { if (isStruct(column)) null else it as? Map<Any?, Any?> }
    public fun getMap(name: String): Map<Any?, Any?>? = getMap(batch.columnIndex(name))

    /** STRUCT columns, field name to value, in declaration order. */
    @Suppress("UNCHECKED_CAST")
    public fun getStruct(column: Int): Map<String, Any?>? =
        convert(column, "Struct") { if (isStruct(column)) it as Map<String, Any?> else null }
    public fun getStruct(name: String): Map<String, Any?>? = getStruct(batch.columnIndex(name))

    /** A detached copy of this row: column name to [getObject] value, in column order. */
    public fun toMap(): Map<String, Any?> {
        val out = LinkedHashMap<String, Any?>()
        for (i in 0 until batch.columnCount) out[batch.schema.fields[i].name] = getObject(i)
        return out
    }

    /** A detached copy of this row's values in column order. */
    public fun toList(): List<Any?> = List(batch.columnCount) { getObject(it) }

    override fun toString(): String =
        if (batch.isClosed) "Row($index of a closed batch)" else "Row(${toMap().mapValues { (_, v) -> v?.let { ValueText.render(it) } }})"

    /** The session time zone named by a TIMESTAMP column's Arrow field (UTC when it names none Java knows). */
    private fun zoneOf(column: Int): java.time.ZoneId {
        val v = batch.vector(column)
        val tz = ((v as? TimeStampVector)?.field?.type as? ArrowType.Timestamp)?.timezone
        return TimestampZones.zoneOf(tz)
    }

    private fun isStruct(column: Int): Boolean =
        batch.vector(column) is org.apache.arrow.vector.complex.StructVector

    private inline fun <T : Any> convert(column: Int, target: String, f: (Any) -> T?): T? {
        val value = getObject(column) ?: return null
        return f(value) ?: throw ClassCastException(
            "column ${batch.schema.fields[column].name} (${batch.schema.fields[column].type}) " +
                "holds a ${value.javaClass.simpleName}, which cannot be read as $target",
        )
    }

    internal companion object {
        /** A view of row [index] of [batch]. Not for Java. */
        @JvmSynthetic
        internal operator fun invoke(batch: RecordBatch, index: Int): Row = Row(batch, index)
    }
}
