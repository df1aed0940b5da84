package dev.dbsql.spark

import dev.dbsql.core.Disposition
import dev.dbsql.core.ExecuteOptions
import dev.dbsql.core.ResultCompression
import dev.dbsql.core.ResultFormat
import dev.dbsql.flow.rows
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.flow.map
import kotlinx.coroutines.flow.toList
import org.apache.spark.sql.Row
import org.apache.spark.sql.util.CaseInsensitiveStringMap
import org.apache.spark.sql.vectorized.ArrowColumnVector
import org.apache.spark.sql.types.DataTypes
import org.apache.spark.sql.types.DecimalType
import java.math.BigDecimal
import java.time.Instant
import java.time.LocalDate
import java.time.LocalDateTime
import java.util.Base64

/**
 * Every type the local warehouse produces (docs/local-warehouse-types.md) reads through Spark to
 * the same values as through the SDK's Flow, and gets the Spark type its manifest names.
 */
class TypesRoundTripSpec : FunSpec({
    val columns = listOf(
        Triple("b", "true", "false"),
        Triple("ti", "CAST(-7 AS TINYINT)", "CAST(127 AS TINYINT)"),
        Triple("si", "CAST(1000 AS SMALLINT)", "CAST(-32768 AS SMALLINT)"),
        Triple("i", "CAST(1 AS INT)", "CAST(2147483647 AS INT)"),
        Triple("bi", "CAST(9007199254740993 AS BIGINT)", "CAST('-9223372036854775808' AS BIGINT)"),
        Triple("f", "CAST(1.5 AS FLOAT)", "CAST('1.0E10' AS FLOAT)"),
        Triple("f_special", "CAST('NaN' AS FLOAT)", "CAST('-Infinity' AS FLOAT)"),
        Triple("d", "CAST(0.1 AS DOUBLE)", "CAST('1.0E-5' AS DOUBLE)"),
        Triple("d_special", "CAST('Infinity' AS DOUBLE)", "CAST('NaN' AS DOUBLE)"),
        Triple("dec_small", "CAST(123.45 AS DECIMAL(5,2))", "CAST(-0.01 AS DECIMAL(5,2))"),
        Triple("dec_mid", "CAST('123456789012.123456' AS DECIMAL(18,6))", "CAST(0 AS DECIMAL(18,6))"),
        Triple("dec_wide", "CAST('1234567890123456789012345678.0123456789' AS DECIMAL(38,10))", "CAST(1 AS DECIMAL(38,10))"),
        Triple("s", "'hello'", "'q' || chr(34) || ' b' || chr(92) || ' nl' || chr(10) || ' ctl' || chr(1) || ' ü€😀' || chr(8232)"),
        Triple("bin", "CAST('abc' AS BINARY)", "X'00FF10'"),
        Triple("dt", "DATE '2020-02-20'", "DATE '1969-12-31'"),
        Triple("ts", "TIMESTAMP '2021-06-15 12:34:56.789'", "TIMESTAMP '1960-01-01 00:00:00.123456'"),
        Triple("ts_ntz", "TIMESTAMP_NTZ '2021-06-15 12:34:56.789'", "TIMESTAMP_NTZ '2999-12-31 23:59:59.999999'"),
        Triple("ts_s", "CAST('2021-06-15 12:34:56' AS TIMESTAMP_S)", "CAST('1970-01-01 00:00:01' AS TIMESTAMP_S)"),
        Triple("ts_ms", "CAST('2021-06-15 12:34:56.789' AS TIMESTAMP_MS)", "CAST('2000-01-01 00:00:00.001' AS TIMESTAMP_MS)"),
        Triple("ts_ns", "CAST('2021-06-15 12:34:56.123456789' AS TIMESTAMP_NS)", "CAST('2000-01-01 00:00:00' AS TIMESTAMP_NS)"),
        Triple("iv_ym", "to_months(14)", "to_months(-3)"),
        Triple("iv_dt", "to_days(3) + to_microseconds(16220123000)", "-to_hours(5)"),
        Triple("nul", "NULL", "NULL"),
        Triple("arr", "[1, 2, 3]", "CAST([] AS INT[])"),
        Triple("arr_s", "['a', NULL]", "['b']"),
        Triple("farr", "CAST([1, 2, 3] AS INTEGER[3])", "CAST([4, NULL, 6] AS INTEGER[3])"),
        Triple("st", "{'a': 1, 'b': 'x'}", "{'a': NULL, 'b': 'y'}"),
        Triple("mp", "MAP {'k': 'v'}", "MAP {'k2': NULL, 'k3': 'w'}"),
        Triple("mp_num", "MAP {1: [1.5]}", "MAP {2: []::DOUBLE[]}"),
        Triple("nested", "[{'u': CAST('00000000-0000-0000-0000-000000000001' AS UUID), 'd': DATE '2020-01-01'}]", "[]"),
        Triple("hi", "CAST('99999999999999999999999999999999999999' AS HUGEINT)", "CAST(-123 AS HUGEINT)"),
        Triple("uhi", "CAST(12345 AS UHUGEINT)", "CAST(0 AS UHUGEINT)"),
        Triple("ubi", "CAST('18446744073709551615' AS UBIGINT)", "CAST(0 AS UBIGINT)"),
        Triple("ui", "CAST(4000000000 AS UINTEGER)", "CAST(0 AS UINTEGER)"),
        Triple("usi", "CAST(60000 AS USMALLINT)", "CAST(1 AS USMALLINT)"),
        Triple("uti", "CAST(200 AS UTINYINT)", "CAST(2 AS UTINYINT)"),
        Triple("uuid", "CAST('00000000-0000-0000-0000-000000000001' AS UUID)", "CAST('ffffffff-ffff-ffff-ffff-ffffffffffff' AS UUID)"),
        Triple("tm", "TIME '01:02:03.5'", "TIME '23:59:59'"),
        Triple("tmtz", "CAST('01:02:03+01' AS TIMETZ)", "CAST('00:00:00+00' AS TIMETZ)"),
        Triple("bits", "CAST('101' AS BIT)", "CAST('0' AS BIT)"),
        Triple("js", "CAST('{\"a\": 1}' AS JSON)", "CAST('[1, 2]' AS JSON)"),
        Triple("en", "CAST('ok' AS ENUM('sad', 'ok', 'happy'))", "CAST('happy' AS ENUM('sad', 'ok', 'happy'))"),
        Triple("un", "union_value(num := 2)", "union_value(num := 3)"),
    )
    val sql = "SELECT id, " + columns.joinToString(", ") { (alias, v0, v1) ->
        "CASE WHEN id = 0 THEN $v0 WHEN id = 1 THEN $v1 ELSE NULL END AS $alias"
    } + " FROM range(3) ORDER BY id"

    test("every warehouse type reads through Spark to the same values as through the SDK's Flow") {
        TestWarehouse().use { t ->
            val reference = t.client().use { client ->
                val links = ExecuteOptions(Disposition.EXTERNAL_LINKS, ResultFormat.ARROW_STREAM, ResultCompression.LZ4_FRAME)
                val r = client.execute(sql, options = links)
                val rows = r.rows().map { row -> row.toMap().mapValues { normal(it.value) } }.toList()
                r.close()
                rows
            }
            val df = t.reader().option("query", sql).load()
            val schema = df.schema()
            val got = df.collectAsList().map { row -> schema.fieldNames().associateWith { n -> normal(sparkValue(row.get(row.fieldIndex(n)))) } }
                .sortedBy { it["id"] as Long }

            got.size shouldBe 3
            for (c in listOf("id") + columns.map { it.first }) {
                withClue("column $c (${schema.apply(c).dataType().simpleString()})") { got.map { it[c] } shouldBe reference.map { it[c] } }
            }
            // the Spark types the manifest names
            val types = schema.fields().associate { it.name() to it.dataType() }
            types["dec_wide"] shouldBe DecimalType(38, 10)
            types["ts"] shouldBe DataTypes.TimestampType
            types["ts_ntz"] shouldBe DataTypes.TimestampNTZType
            types["iv_ym"] shouldBe DataTypes.createYearMonthIntervalType()
            types["iv_dt"] shouldBe DataTypes.createDayTimeIntervalType()
            types["nul"] shouldBe DataTypes.NullType
            types["bin"] shouldBe DataTypes.BinaryType
            types["mp_num"]!!.simpleString() shouldBe "map<int,array<double>>"
            types["st"]!!.simpleString() shouldBe "struct<a:int,b:string>"
            types["hi"] shouldBe DecimalType(38, 0)
            // and the values are the right ones, not merely equal
            got[0]["dec_wide"] shouldBe BigDecimal("1234567890123456789012345678.0123456789")
            got[0]["ts"] shouldBe Instant.parse("2021-06-15T12:34:56.789Z")
            got[1]["ts_ntz"] shouldBe LocalDateTime.parse("2999-12-31T23:59:59.999999")
            got[1]["dt"] shouldBe LocalDate.of(1969, 12, 31)
            got[1]["bin"] shouldBe "base64:AP8Q"
            got[0]["st"] shouldBe mapOf("a" to 1, "b" to "x")
            got[2].filterKeys { it != "id" }.values.all { it == null } shouldBe true
            t.executions(sql).size shouldBe 2 // the SDK's reference read, and Spark's one

            // every column reaches Spark as the Arrow buffers themselves (no copy)
            val provider = DbsqlDataSource()
            val options = CaseInsensitiveStringMap(t.options("query" to sql))
            val direct = provider.inferSchema(options)
            val table = provider.getTable(direct, emptyArray(), HashMap(options.asCaseSensitiveMap())) as DbsqlTable
            val batch = table.newScanBuilder(options).build().toBatch()
            val copied = mutableSetOf<String>()
            var seen = 0
            for (p in batch.planInputPartitions()) {
                batch.createReaderFactory().createColumnarReader(p).use { r ->
                    while (r.next()) {
                        val b = r.get()
                        seen += b.numRows()
                        for (i in 0 until b.numCols()) if (b.column(i) !is ArrowColumnVector) copied += direct.fields()[i].name()
                    }
                }
            }
            seen shouldBe 3
            copied shouldBe emptySet()
            table.statement().close()
            t.awaitClosed(sql)
        }
    }
})

/** Spark's external values as the SDK's: Seq → List, Map → Map, Row → Map by field name. */
internal fun sparkValue(v: Any?): Any? = when (v) {
    is Row -> v.schema().fieldNames().associateWith { n -> sparkValue(v.get(v.fieldIndex(n))) }
    is scala.collection.Seq<*> -> scala.jdk.javaapi.CollectionConverters.asJava(v).map { sparkValue(it) }
    is scala.collection.Map<*, *> -> scala.jdk.javaapi.CollectionConverters.asJava(v).entries.associate { sparkValue(it.key) to sparkValue(it.value) }
    else -> v
}

/** Values comparable with ==: bytes as base64 text, NaN as text, nested values element by element. */
internal fun normal(v: Any?): Any? = when (v) {
    is ByteArray -> "base64:" + Base64.getEncoder().encodeToString(v)
    is Float -> if (v.isNaN()) "NaN(float)" else v
    is Double -> if (v.isNaN()) "NaN(double)" else v
    is List<*> -> v.map { normal(it) }
    is Map<*, *> -> v.entries.associate { normal(it.key) to normal(it.value) }
    else -> v
}
