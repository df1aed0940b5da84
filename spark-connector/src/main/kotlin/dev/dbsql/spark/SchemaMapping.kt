package dev.dbsql.spark

import dev.dbsql.core.ColumnInfo
import dev.dbsql.core.ResultManifest
import org.apache.spark.sql.types.ArrayType
import org.apache.spark.sql.types.CharType
import org.apache.spark.sql.types.DataType
import org.apache.spark.sql.types.DataTypes
import org.apache.spark.sql.types.DecimalType
import org.apache.spark.sql.types.MapType
import org.apache.spark.sql.types.Metadata
import org.apache.spark.sql.types.MetadataBuilder
import org.apache.spark.sql.types.StructField
import org.apache.spark.sql.types.StructType
import org.apache.spark.sql.types.VarcharType
import org.apache.spark.sql.types.VariantType

/**
 * The Spark schema of a result, from its manifest alone (no data is read). Each column's
 * `type_text` is Databricks SQL type syntax, which is Spark's: it is parsed by Spark
 * (`DataType.fromDDL`), so nested types keep their element, key, value and field types. Then:
 * `VARIANT` becomes STRING (it travels as JSON text), `CHAR(n)` / `VARCHAR(n)` become STRING,
 * DECIMAL takes the manifest's precision and scale, TIMESTAMP is Spark's `TimestampType`
 * (an instant, shown in the Spark session's zone) and TIMESTAMP_NTZ its `TimestampNTZType`.
 * A type Spark cannot parse (newer than this Spark) is read as STRING, its text form.
 * Each field's metadata keeps the warehouse's type text under [TYPE_TEXT_KEY].
 */
public object SchemaMapping {
    /** Field metadata key holding the warehouse's `type_text`. */
    public const val TYPE_TEXT_KEY: String = "dbsql.type_text"

    /** The Spark schema of [manifest]'s columns, in order. */
    @JvmStatic
    public fun schemaOf(manifest: ResultManifest): StructType =
        StructType(manifest.columns.sortedBy { it.position }.map { fieldOf(it) }.toTypedArray())

    /** The Spark field of one column. */
    @JvmStatic
    public fun fieldOf(column: ColumnInfo): StructField {
        val meta: Metadata = MetadataBuilder().putString(TYPE_TEXT_KEY, column.typeText).build()
        return StructField(column.name, typeOf(column), true, meta)
    }

    /** The Spark type of one column (see the object documentation). */
    @JvmStatic
    public fun typeOf(column: ColumnInfo): DataType {
        val name = column.typeName.uppercase()
        if (name == "DECIMAL" && column.precision != null) {
            return DecimalType(column.precision!!, column.scale ?: 0)
        }
        val simple = simpleType(name)
        if (simple != null) return simple
        val parsed = runCatching { DataType.fromDDL(column.typeText) }.getOrNull()
            ?: intervalOf(column)
            ?: return DataTypes.StringType
        return normalise(parsed)
    }

    private fun simpleType(name: String): DataType? = when (name) {
        "BOOLEAN" -> DataTypes.BooleanType
        "BYTE", "TINYINT" -> DataTypes.ByteType
        "SHORT", "SMALLINT" -> DataTypes.ShortType
        "INT", "INTEGER" -> DataTypes.IntegerType
        "LONG", "BIGINT" -> DataTypes.LongType
        "FLOAT", "REAL" -> DataTypes.FloatType
        "DOUBLE" -> DataTypes.DoubleType
        "STRING", "CHAR", "VARCHAR", "VARIANT" -> DataTypes.StringType
        "BINARY" -> DataTypes.BinaryType
        "DATE" -> DataTypes.DateType
        "TIMESTAMP", "TIMESTAMP_LTZ" -> DataTypes.TimestampType
        "TIMESTAMP_NTZ" -> DataTypes.TimestampNTZType
        "NULL", "VOID" -> DataTypes.NullType
        else -> null
    }

    private fun intervalOf(column: ColumnInfo): DataType? {
        if (!column.typeName.equals("INTERVAL", ignoreCase = true)) return null
        val kind = (column.intervalType ?: column.typeText.removePrefix("INTERVAL").trim()).uppercase()
        return if (kind.startsWith("YEAR") || kind.startsWith("MONTH")) DataTypes.createYearMonthIntervalType() else DataTypes.createDayTimeIntervalType()
    }

    /** VARIANT and CHAR/VARCHAR become STRING, at any depth. */
    internal fun normalise(t: DataType): DataType = when (t) {
        is VariantType, is CharType, is VarcharType -> DataTypes.StringType
        is ArrayType -> ArrayType(normalise(t.elementType()), t.containsNull())
        is MapType -> MapType(normalise(t.keyType()), normalise(t.valueType()), t.valueContainsNull())
        is StructType -> StructType(
            t.fields().map { f -> StructField(f.name(), normalise(f.dataType()), f.nullable(), f.metadata()) }.toTypedArray(),
        )
        else -> t
    }
}
