package dev.dbsql.flow.internal.json

import org.apache.arrow.vector.types.DateUnit
import org.apache.arrow.vector.types.FloatingPointPrecision
import org.apache.arrow.vector.types.IntervalUnit as ArrowIntervalUnit
import org.apache.arrow.vector.types.TimeUnit
import org.apache.arrow.vector.types.pojo.ArrowType
import org.apache.arrow.vector.types.pojo.Field
import org.apache.arrow.vector.types.pojo.FieldType
import org.apache.arrow.vector.types.pojo.Schema

/** One column of `manifest.schema.columns`, independent of the protocol classes. */
internal data class ColumnType(
    val name: String,
    val typeName: String?,
    val typeText: String?,
    val precision: Int? = null,
    val scale: Int? = null,
    val intervalType: String? = null,
) {
    /** The column's type: from `type_text` when it parses, else from `type_name` and its extras. */
    val sqlType: SqlType by lazy {
        typeText?.let { runCatching { SqlType.parse(it) }.getOrNull() } ?: fromTypeName()
    }

    private fun fromTypeName(): SqlType = when (val name = SqlType.canonicalName(typeName ?: "STRING")) {
        "DECIMAL" -> SqlType.Decimal(precision ?: 10, scale ?: 0)
        "INTERVAL" -> runCatching { SqlType.parse("INTERVAL ${intervalType ?: "DAY TO SECOND"}") }
            .getOrDefault(SqlType.Interval(IntervalUnit.DAY, IntervalUnit.SECOND))
        "ARRAY", "MAP", "STRUCT" -> SqlType.Scalar("STRING") // nested type without a readable type_text
        else -> SqlType.Scalar(name)
    }
}

/**
 * The Arrow types JSON_ARRAY results are converted to. They are the types the Arrow wire format
 * uses for the same SQL types, so a row reads the same whichever format the server sent:
 * BOOLEAN → bool; BYTE/SHORT/INT/LONG → int8/16/32/64; FLOAT/DOUBLE → float32/64;
 * DECIMAL(p,s) → decimal128(p,s); STRING, VARIANT and unknown types → utf8; BINARY → binary;
 * DATE → date32; TIMESTAMP → timestamp(µs, session zone) — the zone the caller passes (see
 * [TimestampZones]), as a real warehouse names it in Arrow answers; TIMESTAMP_NTZ → timestamp(µs);
 * year-month INTERVAL → interval(YEAR_MONTH); day-time INTERVAL → duration(µs);
 * ARRAY/MAP/STRUCT → list/map/struct; NULL (VOID) → null.
 * Every field carries `Spark:DataType:SqlName` metadata with the column's `type_text`.
 */
internal object SqlArrowSchema {
    const val SQL_NAME_KEY: String = "Spark:DataType:SqlName"

    fun schema(columns: List<ColumnType>, zone: String = TimestampZones.DEFAULT): Schema = Schema(
        columns.map { c ->
            val metadata = c.typeText?.let { mapOf(SQL_NAME_KEY to it) }
            field(c.name, c.sqlType, metadata, zone)
        },
    )

    fun field(name: String, type: SqlType, metadata: Map<String, String>? = null, zone: String = TimestampZones.DEFAULT): Field = when (type) {
        is SqlType.ArrayOf -> Field(
            name, FieldType(true, ArrowType.List.INSTANCE, null, metadata),
            listOf(field("element", type.element, zone = zone)),
        )
        is SqlType.MapOf -> Field(
            name, FieldType(true, ArrowType.Map(false), null, metadata),
            listOf(
                Field(
                    "entries", FieldType.notNullable(ArrowType.Struct.INSTANCE),
                    listOf(
                        Field("key", FieldType.notNullable(leafType(type.key, zone)), children(type.key, zone)),
                        field("value", type.value, zone = zone),
                    ),
                ),
            ),
        )
        is SqlType.StructOf -> Field(
            name, FieldType(true, ArrowType.Struct.INSTANCE, null, metadata),
            type.fields.map { (n, t) -> field(n, t, zone = zone) },
        )
        else -> Field(name, FieldType(true, leafType(type, zone), null, metadata), null)
    }

    private fun children(type: SqlType, zone: String): List<Field>? = when (type) {
        is SqlType.ArrayOf, is SqlType.MapOf, is SqlType.StructOf -> field("x", type, zone = zone).children
        else -> null
    }

    private fun leafType(type: SqlType, zone: String): ArrowType = when (type) {
        is SqlType.Decimal -> ArrowType.Decimal(type.precision, type.scale, 128)
        is SqlType.Interval ->
            if (type.yearMonth) ArrowType.Interval(ArrowIntervalUnit.YEAR_MONTH) else ArrowType.Duration(TimeUnit.MICROSECOND)
        is SqlType.ArrayOf -> ArrowType.List.INSTANCE
        is SqlType.MapOf -> ArrowType.Map(false)
        is SqlType.StructOf -> ArrowType.Struct.INSTANCE
        is SqlType.Scalar -> when (type.name) {
            "BOOLEAN" -> ArrowType.Bool.INSTANCE
            "BYTE" -> ArrowType.Int(8, true)
            "SHORT" -> ArrowType.Int(16, true)
            "INT" -> ArrowType.Int(32, true)
            "LONG" -> ArrowType.Int(64, true)
            "FLOAT" -> ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)
            "DOUBLE" -> ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)
            "BINARY" -> ArrowType.Binary.INSTANCE
            "DATE" -> ArrowType.Date(DateUnit.DAY)
            "TIMESTAMP" -> ArrowType.Timestamp(TimeUnit.MICROSECOND, zone)
            "TIMESTAMP_NTZ" -> ArrowType.Timestamp(TimeUnit.MICROSECOND, null)
            "NULL" -> ArrowType.Null.INSTANCE
            else -> ArrowType.Utf8.INSTANCE
        }
    }
}
