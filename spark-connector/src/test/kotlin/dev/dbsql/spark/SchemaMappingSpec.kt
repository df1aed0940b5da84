package dev.dbsql.spark

import dev.dbsql.core.ColumnInfo
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import org.apache.spark.sql.types.DataTypes
import org.apache.spark.sql.types.DayTimeIntervalType
import org.apache.spark.sql.types.DecimalType

/** Manifest types the local warehouse never sends (VARIANT, CHAR/VARCHAR, LTZ, finer intervals, unknown types). */
class SchemaMappingSpec : FunSpec({
    fun col(typeName: String, typeText: String, precision: Int? = null, scale: Int? = null, interval: String? = null) =
        ColumnInfo("c", typeName, typeText, 0, precision, scale, interval)

    test("Databricks types the warehouse cannot produce map to the Spark types that hold their values") {
        SchemaMapping.typeOf(col("VARIANT", "VARIANT")) shouldBe DataTypes.StringType
        SchemaMapping.typeOf(col("CHAR", "CHAR(3)")) shouldBe DataTypes.StringType
        SchemaMapping.typeOf(col("VARCHAR", "VARCHAR(10)")) shouldBe DataTypes.StringType
        SchemaMapping.typeOf(col("TIMESTAMP_LTZ", "TIMESTAMP_LTZ")) shouldBe DataTypes.TimestampType
        SchemaMapping.typeOf(col("DECIMAL", "DECIMAL(10,2)", 10, 2)) shouldBe DecimalType(10, 2)
        SchemaMapping.typeOf(col("DECIMAL", "DECIMAL(12,4)")) shouldBe DecimalType(12, 4)
        SchemaMapping.typeOf(col("INTERVAL", "INTERVAL HOUR TO MINUTE", interval = "HOUR TO MINUTE")) shouldBe
            DayTimeIntervalType(DayTimeIntervalType.HOUR(), DayTimeIntervalType.MINUTE())
        SchemaMapping.typeOf(col("INTERVAL", "INTERVAL MONTH", interval = "MONTH")).simpleString() shouldBe "interval month"
        SchemaMapping.typeOf(col("STRUCT", "STRUCT<a: VARIANT, b: ARRAY<VARCHAR(5)>>")).simpleString() shouldBe "struct<a:string,b:array<string>>"
        SchemaMapping.typeOf(col("MAP", "MAP<STRING, STRUCT<x: DECIMAL(5,1)>>")).simpleString() shouldBe "map<string,struct<x:decimal(5,1)>>"
        // a type this Spark cannot parse is read as its text
        SchemaMapping.typeOf(col("GEOGRAPHY_FUTURE", "GEOGRAPHY_FUTURE(4326)")) shouldBe DataTypes.StringType
        SchemaMapping.fieldOf(col("VARIANT", "VARIANT")).metadata().getString(SchemaMapping.TYPE_TEXT_KEY) shouldBe "VARIANT"
    }

    test("Spark reads the Arrow layouts of equal or narrower decimals and any interval fields without a copy") {
        ColumnarBatches.compatible(DecimalType(10, 2), DecimalType(5, 2)) shouldBe true
        ColumnarBatches.compatible(DecimalType(10, 2), DecimalType(10, 3)) shouldBe false
        ColumnarBatches.compatible(DayTimeIntervalType(DayTimeIntervalType.HOUR(), DayTimeIntervalType.MINUTE()), DataTypes.createDayTimeIntervalType()) shouldBe true
        ColumnarBatches.compatible(DataTypes.StringType, DataTypes.BinaryType) shouldBe false
    }
})
