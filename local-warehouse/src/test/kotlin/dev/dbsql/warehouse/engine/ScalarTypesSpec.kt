package dev.dbsql.warehouse.engine

import io.kotest.core.spec.style.FunSpec
import io.kotest.datatest.withData
import io.kotest.matchers.shouldBe
import org.apache.arrow.vector.types.pojo.ArrowType
import java.math.BigDecimal
import java.time.LocalDateTime

/** One scalar type through both formats: manifest type, Arrow type and value, JSON text. */
class ScalarTypesSpec : FunSpec({
    val engine = SharedEngine.engine

    data class Case(
        val expr: String,
        val typeName: String,
        val typeText: String,
        val arrow: ArrowType,
        val arrowValue: Any?,
        val json: String?,
    ) {
        override fun toString() = expr
    }

    val ts = LocalDateTime.of(2021, 6, 15, 12, 34, 56, 789_000_000)
    val cases = listOf(
        Case("true", "BOOLEAN", "BOOLEAN", ArrowType.Bool.INSTANCE, true, "true"),
        Case("CAST(-7 AS TINYINT)", "BYTE", "TINYINT", ArrowType.Int(8, true), (-7).toByte(), "-7"),
        Case("CAST(1000 AS SMALLINT)", "SHORT", "SMALLINT", ArrowType.Int(16, true), 1000.toShort(), "1000"),
        Case("CAST(1 AS INT)", "INT", "INT", ArrowType.Int(32, true), 1, "1"),
        Case("CAST(9007199254740993 AS BIGINT)", "LONG", "BIGINT", ArrowType.Int(64, true), 9007199254740993L, "9007199254740993"),
        Case("CAST(1.5 AS FLOAT)", "FLOAT", "FLOAT", ArrowType.FloatingPoint(org.apache.arrow.vector.types.FloatingPointPrecision.SINGLE), 1.5f, "1.5"),
        Case("CAST(0.1 AS DOUBLE)", "DOUBLE", "DOUBLE", ArrowType.FloatingPoint(org.apache.arrow.vector.types.FloatingPointPrecision.DOUBLE), 0.1, "0.1"),
        Case("CAST('NaN' AS DOUBLE)", "DOUBLE", "DOUBLE", ArrowType.FloatingPoint(org.apache.arrow.vector.types.FloatingPointPrecision.DOUBLE), Double.NaN, "NaN"),
        Case("CAST('-inf' AS DOUBLE)", "DOUBLE", "DOUBLE", ArrowType.FloatingPoint(org.apache.arrow.vector.types.FloatingPointPrecision.DOUBLE), Double.NEGATIVE_INFINITY, "-Infinity"),
        Case("CAST(123.45 AS DECIMAL(10,2))", "DECIMAL", "DECIMAL(10,2)", ArrowType.Decimal(10, 2, 128), BigDecimal("123.45"), "123.45"),
        Case("CAST(1 AS DECIMAL(38,10))", "DECIMAL", "DECIMAL(38,10)", ArrowType.Decimal(38, 10, 128), BigDecimal("1.0000000000"), "1.0000000000"),
        Case("'héllo \"x\"'", "STRING", "STRING", ArrowType.Utf8.INSTANCE, "héllo \"x\"", "héllo \"x\""),
        Case("CAST('abc' AS BINARY)", "BINARY", "BINARY", ArrowType.Binary.INSTANCE, "abc".toByteArray().toList(), "YWJj"),
        Case("DATE '2020-02-20'", "DATE", "DATE", ArrowType.Date(org.apache.arrow.vector.types.DateUnit.DAY), 18312, "2020-02-20"),
        Case("TIMESTAMP '2021-06-15 12:34:56.789'", "TIMESTAMP", "TIMESTAMP",
            ArrowType.Timestamp(org.apache.arrow.vector.types.TimeUnit.MICROSECOND, "Etc/UTC"), 1623760496789000L, "2021-06-15T12:34:56.789Z"),
        Case("TIMESTAMP_NTZ '2021-06-15 12:34:56.789'", "TIMESTAMP_NTZ", "TIMESTAMP_NTZ",
            ArrowType.Timestamp(org.apache.arrow.vector.types.TimeUnit.MICROSECOND, null), ts, "2021-06-15T12:34:56.789"),
        Case("CAST('2021-06-15 12:34:56.123456' AS TIMESTAMP_NTZ)", "TIMESTAMP_NTZ", "TIMESTAMP_NTZ",
            ArrowType.Timestamp(org.apache.arrow.vector.types.TimeUnit.MICROSECOND, null), LocalDateTime.of(2021, 6, 15, 12, 34, 56, 123_456_000), "2021-06-15T12:34:56.123456"),
        Case("NULL", "NULL", "VOID", ArrowType.Null.INSTANCE, null, null),
        Case("CAST(NULL AS INT)", "INT", "INT", ArrowType.Int(32, true), null, null),
    )

    withData(nameFn = { it.expr }, cases) { c ->
        engine.openContext().use { ctx ->
            ctx.run("SELECT ${c.expr} AS v", emptyList(), jsonOpts).use { r ->
                r.columns.single().typeName shouldBe c.typeName
                r.columns.single().typeText shouldBe c.typeText
                r.jsonRows() shouldBe listOf(listOf(c.json))
            }
            ctx.run("SELECT ${c.expr} AS v", emptyList(), arrowOpts).use { r ->
                val schema = r.arrowSchema()
                schema.fields.single().type shouldBe c.arrow
                schema.fields.single().metadata["Spark:DataType:SqlName"] shouldBe c.typeText
                val v = r.arrowRows().single().single()
                val normalized = when (v) {
                    is ByteArray -> v.toList()
                    is org.apache.arrow.vector.util.Text -> v.toString()
                    else -> v
                }
                if (normalized is Double || normalized is Float) normalized.toString() shouldBe c.arrowValue.toString()
                else normalized shouldBe c.arrowValue
            }
        }
    }
})
