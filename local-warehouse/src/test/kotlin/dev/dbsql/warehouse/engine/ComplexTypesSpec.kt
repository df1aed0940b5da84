package dev.dbsql.warehouse.engine

import io.kotest.core.spec.style.FunSpec
import io.kotest.datatest.withData
import io.kotest.matchers.shouldBe
import org.apache.arrow.vector.types.pojo.ArrowType

/** Nested types, intervals and DuckDB types without a Databricks twin. */
class ComplexTypesSpec : FunSpec({
    val engine = SharedEngine.engine

    data class Case(val expr: String, val typeName: String, val typeText: String, val arrowClass: Class<out ArrowType>, val json: String?, val arrowText: String?)

    val cases = listOf(
        Case("[1, 2, 3]", "ARRAY", "ARRAY<INT>", ArrowType.List::class.java, "[1,2,3]", "[1,2,3]"),
        Case("[[1], [2, NULL]]", "ARRAY", "ARRAY<ARRAY<INT>>", ArrowType.List::class.java, "[[1],[2,null]]", "[[1],[2,null]]"),
        Case("{'a': 1, 'b': 'x'}", "STRUCT", "STRUCT<a: INT, b: STRING>", ArrowType.Struct::class.java, """{"a":1,"b":"x"}""", """{"a":1,"b":"x"}"""),
        Case("MAP {'k': 'v'}", "MAP", "MAP<STRING, STRING>", ArrowType.Map::class.java, """{"k":"v"}""", """[{"key":"k","value":"v"}]"""),
        Case("MAP {1: [1.5]}", "MAP", "MAP<INT, ARRAY<DECIMAL(2,1)>>", ArrowType.Map::class.java, """{"1":[1.5]}""", null),
        Case("[DATE '2020-01-02']", "ARRAY", "ARRAY<DATE>", ArrowType.List::class.java, """["2020-01-02"]""", null),
        Case("[CAST(1 AS UTINYINT)]", "ARRAY", "ARRAY<SMALLINT>", ArrowType.List::class.java, "[1]", "[1]"),
        Case("{'u': CAST('00000000-0000-0000-0000-000000000001' AS UUID)}", "STRUCT", "STRUCT<u: STRING>", ArrowType.Struct::class.java,
            """{"u":"00000000-0000-0000-0000-000000000001"}""", null),
        Case("CAST([1, 2] AS INT[2])", "ARRAY", "ARRAY<INT>", ArrowType.List::class.java, "[1,2]", "[1,2]"),
        Case("INTERVAL 3 DAY + INTERVAL 4 HOUR", "INTERVAL", "INTERVAL DAY TO SECOND", ArrowType.Duration::class.java, "3 04:00:00.000000000", "PT76H"),
        Case("INTERVAL '1 year 2 months'", "INTERVAL", "INTERVAL YEAR TO MONTH", ArrowType.Interval::class.java, "1-2", null),
        Case("CAST(200 AS UTINYINT)", "SHORT", "SMALLINT", ArrowType.Int::class.java, "200", "200"),
        Case("CAST(60000 AS USMALLINT)", "INT", "INT", ArrowType.Int::class.java, "60000", "60000"),
        Case("CAST(4000000000 AS UINTEGER)", "LONG", "BIGINT", ArrowType.Int::class.java, "4000000000", "4000000000"),
        Case("CAST(18446744073709551615 AS UBIGINT)", "DECIMAL", "DECIMAL(20,0)", ArrowType.Decimal::class.java, "18446744073709551615", "18446744073709551615"),
        Case("CAST(170141183460469231731687303715884105727 AS HUGEINT) // 10", "DECIMAL", "DECIMAL(38,0)", ArrowType.Decimal::class.java,
            "17014118346046923173168730371588410572", "17014118346046923173168730371588410572"),
        Case("CAST('00000000-0000-0000-0000-000000000001' AS UUID)", "STRING", "STRING", ArrowType.Utf8::class.java,
            "00000000-0000-0000-0000-000000000001", "00000000-0000-0000-0000-000000000001"),
        Case("TIME '01:02:03.5'", "STRING", "STRING", ArrowType.Utf8::class.java, "01:02:03.5", "01:02:03.5"),
        Case("CAST('01:02:03+01' AS TIMETZ)", "STRING", "STRING", ArrowType.Utf8::class.java, "01:02:03+01", null),
        Case("CAST('101' AS BIT)", "STRING", "STRING", ArrowType.Utf8::class.java, "101", "101"),
        Case("CAST('{\"a\": 1}' AS JSON)", "STRING", "STRING", ArrowType.Utf8::class.java, """{"a": 1}""", null),
        Case("CAST('b' AS ENUM('a', 'b'))", "STRING", "STRING", ArrowType.Utf8::class.java, "b", "b"),
        Case("union_value(n := 2)", "STRING", "STRING", ArrowType.Utf8::class.java, "2", "2"),
        Case("CAST(12345678901234567890123456789012345678901234567890 AS VARINT)", "STRING", "STRING", ArrowType.Utf8::class.java,
            "12345678901234567890123456789012345678901234567890", null),
        Case("CAST('2020-01-01 01:02:03.123456789' AS TIMESTAMP_NS)", "TIMESTAMP_NTZ", "TIMESTAMP_NTZ", ArrowType.Timestamp::class.java, "2020-01-01T01:02:03.123457", null),
        Case("CAST('2020-01-01 01:02:03' AS TIMESTAMP_S)", "TIMESTAMP_NTZ", "TIMESTAMP_NTZ", ArrowType.Timestamp::class.java, "2020-01-01T01:02:03.000", null),
        Case("CAST('2020-01-01 01:02:03.5' AS TIMESTAMP_MS)", "TIMESTAMP_NTZ", "TIMESTAMP_NTZ", ArrowType.Timestamp::class.java, "2020-01-01T01:02:03.500", null),
        Case("[TIMESTAMP '2021-06-15 12:34:56.789']", "ARRAY", "ARRAY<TIMESTAMP>", ArrowType.List::class.java, """["2021-06-15T12:34:56.789Z"]""", null),
        Case("[CAST('abc' AS BINARY)]", "ARRAY", "ARRAY<BINARY>", ArrowType.List::class.java, """["YWJj"]""", null),
        Case("[CAST('NaN' AS DOUBLE), 1.5::DOUBLE]", "ARRAY", "ARRAY<DOUBLE>", ArrowType.List::class.java, """["NaN",1.5]""", null),
    )

    withData(nameFn = { it.expr }, cases) { c ->
        engine.openContext().use { ctx ->
            ctx.run("SELECT ${c.expr} AS v", emptyList(), jsonOpts).use { r ->
                val col = r.columns.single()
                (col.typeName to col.typeText) shouldBe (c.typeName to c.typeText)
                r.jsonRows() shouldBe listOf(listOf(c.json))
            }
            ctx.run("SELECT ${c.expr} AS v", emptyList(), RunOptions(ResultFormat.ARROW_STREAM, lz4 = true)).use { r ->
                val f = r.arrowSchema().fields.single()
                f.type.javaClass shouldBe c.arrowClass
                f.metadata["Spark:DataType:SqlName"] shouldBe c.typeText
                val v = r.arrowRows().single().single()
                if (c.arrowText != null) v.toString().replace(" ", "") shouldBe c.arrowText.replace(" ", "")
            }
        }
    }

    test("interval precision fields") {
        engine.openContext().use { ctx ->
            ctx.run("SELECT INTERVAL 2 MONTH AS ym, INTERVAL 2 SECOND AS dt, CAST(1 AS DECIMAL(7,3)) AS d", emptyList(), jsonOpts).use { r ->
                r.columns.map { Triple(it.intervalType, it.precision, it.scale) } shouldBe
                    listOf(Triple("YEAR TO MONTH", null, null), Triple("DAY TO SECOND", null, null), Triple(null, 7, 3))
                r.columns.map { it.position } shouldBe listOf(0, 1, 2)
            }
        }
    }

    test("timestamps follow the session time zone") {
        engine.openContext(conf = mapOf("timezone" to "America/Los_Angeles")).use { ctx ->
            val sql = "SELECT TIMESTAMP '2021-06-15 12:34:56.789' AS t, CAST('2021-06-15 12:34:56.789' AS TIMESTAMP_NTZ) AS n"
            ctx.jsonRows(sql) shouldBe listOf(listOf("2021-06-15T12:34:56.789-07:00", "2021-06-15T12:34:56.789"))
            ctx.run(sql, emptyList(), arrowOpts).use { r ->
                (r.arrowSchema().fields[0].type as ArrowType.Timestamp).timezone shouldBe "America/Los_Angeles"
                r.arrowRows().single()[0] shouldBe 1623785696789000L
            }
        }
    }
})
