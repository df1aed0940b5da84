package dev.dbsql.flow.unit

import dev.dbsql.flow.RecordBatch
import dev.dbsql.flow.internal.json.CellFormatException
import dev.dbsql.flow.internal.json.ColumnType
import dev.dbsql.flow.internal.json.JsonArrowConverter
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import org.apache.arrow.memory.RootAllocator
import java.math.BigDecimal
import java.time.Duration
import java.time.Instant
import java.time.LocalDate
import java.time.LocalDateTime
import java.time.Period

class JsonArrowConverterSpec : FunSpec({
    val allocator = RootAllocator()
    afterSpec { allocator.close() }

    val columns = listOf(
        ColumnType("b", "BOOLEAN", "BOOLEAN"),
        ColumnType("t", "BYTE", "TINYINT"),
        ColumnType("s", "SHORT", "SMALLINT"),
        ColumnType("i", "INT", "INT"),
        ColumnType("l", "LONG", "BIGINT"),
        ColumnType("f", "FLOAT", "FLOAT"),
        ColumnType("d", "DOUBLE", "DOUBLE"),
        ColumnType("dec", "DECIMAL", "DECIMAL(10,2)", 10, 2),
        ColumnType("str", "STRING", "STRING"),
        ColumnType("bin", "BINARY", "BINARY"),
        ColumnType("dt", "DATE", "DATE"),
        ColumnType("ts", "TIMESTAMP", "TIMESTAMP"),
        ColumnType("ntz", "TIMESTAMP_NTZ", "TIMESTAMP_NTZ"),
        ColumnType("ym", "INTERVAL", "INTERVAL YEAR TO MONTH", intervalType = "YEAR TO MONTH"),
        ColumnType("dts", "INTERVAL", "INTERVAL DAY TO SECOND", intervalType = "DAY TO SECOND"),
        ColumnType("arr", "ARRAY", "ARRAY<INT>"),
        ColumnType("m", "MAP", "MAP<STRING, BIGINT>"),
        ColumnType("st", "STRUCT", "STRUCT<a: INT, b: ARRAY<STRING>, c: TIMESTAMP>"),
        ColumnType("v", "NULL", "VOID"),
    )
    val row = listOf(
        "true", "-5", "1000", "42", "9000000000", "1.5", "2.25", "123.45", "héllo\n", "AAEC/w==", "2024-02-29",
        "2021-06-15T12:34:56.789-07:00", "2021-06-15 12:34:56.123456", "-1-2", "3 04:30:20.123456",
        "[1,null,3]", "{\"k\":1,\"z\":null}", "{\"a\":7,\"b\":[\"x\",null],\"c\":\"2020-01-01T00:00:00Z\"}", null,
    )

    fun batchOf(rows: List<List<String?>>): RecordBatch =
        RecordBatch(JsonArrowConverter(columns).convert(rows.size, allocator) { rows[it] }, 0, 0)

    test("every type converts to its Arrow form and reads back through Row getters") {
        batchOf(listOf(row)).use { batch ->
            val r = batch.row(0)
            r.getBoolean("b") shouldBe true
            r.getInt("t") shouldBe -5
            r.getInt("s") shouldBe 1000
            r.getInt("i") shouldBe 42
            r.getLong("l") shouldBe 9_000_000_000
            r.getDouble("f") shouldBe 1.5
            r.getDouble("d") shouldBe 2.25
            r.getBigDecimal("dec") shouldBe BigDecimal("123.45")
            r.getString("str") shouldBe "héllo\n"
            r.getBytes("bin")!!.toList() shouldBe listOf<Byte>(0, 1, 2, -1)
            r.getLocalDate("dt") shouldBe LocalDate.of(2024, 2, 29)
            r.getInstant("ts") shouldBe Instant.parse("2021-06-15T19:34:56.789Z")
            r.getLocalDateTime("ntz") shouldBe LocalDateTime.of(2021, 6, 15, 12, 34, 56, 123_456_000)
            r.getPeriod("ym") shouldBe Period.of(-1, -2, 0)
            r.getDuration("dts") shouldBe Duration.parse("P3DT4H30M20.123456S")
            r.getList("arr") shouldBe listOf(1, null, 3)
            r.getMap("m") shouldBe mapOf("k" to 1L, "z" to null)
            r.getStruct("st") shouldBe mapOf("a" to 7, "b" to listOf("x", null), "c" to Instant.parse("2020-01-01T00:00:00Z"))
            r.isNull("v") shouldBe true
            r.getString("dec") shouldBe "123.45"
            r.getString("arr") shouldBe "[1,null,3]"
        }
        allocator.allocatedMemory shouldBe 0
    }

    test("null cells are null for every type") {
        batchOf(listOf(List(columns.size) { null }, row)).use { batch ->
            val r = batch.row(0)
            columns.indices.forEach { r.isNull(it) shouldBe true; r.getObject(it) shouldBe null }
            batch.row(1).getLong("l") shouldBe 9_000_000_000
        }
    }

    test("a cell that does not fit its type is a clear error and leaks nothing") {
        val bad = row.toMutableList().also { it[4] = "not-a-number" }
        val e = shouldThrow<CellFormatException> { batchOf(listOf(row, bad)) }
        e.message!!.contains("column l") shouldBe true
        allocator.allocatedMemory shouldBe 0
    }

    test("many rows grow the vectors") {
        val rows = (0 until 10_000).map { i -> row.toMutableList().also { it[4] = i.toString() } }
        batchOf(rows).use { batch ->
            batch.rowCount shouldBe 10_000
            batch.row(9_999).getLong("l") shouldBe 9_999
            batch.row(9_999).getStruct("st")!!["b"] shouldBe listOf("x", null)
        }
    }
})
