package dev.dbsql.flow.unit

import dev.dbsql.flow.internal.json.IntervalUnit
import dev.dbsql.flow.internal.json.SqlType
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe

class SqlTypeSpec : FunSpec({
    test("scalar names fold to the type_name vocabulary") {
        SqlType.parse("BIGINT") shouldBe SqlType.Scalar("LONG")
        SqlType.parse("int") shouldBe SqlType.Scalar("INT")
        SqlType.parse("VARCHAR(10)") shouldBe SqlType.Scalar("STRING")
        SqlType.parse("TIMESTAMP_NTZ") shouldBe SqlType.Scalar("TIMESTAMP_NTZ")
        SqlType.parse("DECIMAL(38, 6)") shouldBe SqlType.Decimal(38, 6)
        SqlType.parse("DECIMAL") shouldBe SqlType.Decimal(10, 0)
    }

    test("intervals keep their qualifier") {
        SqlType.parse("INTERVAL YEAR TO MONTH") shouldBe SqlType.Interval(IntervalUnit.YEAR, IntervalUnit.MONTH)
        SqlType.parse("INTERVAL DAY TO SECOND") shouldBe SqlType.Interval(IntervalUnit.DAY, IntervalUnit.SECOND)
        SqlType.parse("INTERVAL HOUR") shouldBe SqlType.Interval(IntervalUnit.HOUR, IntervalUnit.HOUR)
    }

    test("nested types with spaces, backquotes, NOT NULL and comments") {
        SqlType.parse("ARRAY<STRUCT<a: INT, `b c`: MAP<STRING, ARRAY<DOUBLE>>>>") shouldBe SqlType.ArrayOf(
            SqlType.StructOf(
                listOf(
                    "a" to SqlType.Scalar("INT"),
                    "b c" to SqlType.MapOf(SqlType.Scalar("STRING"), SqlType.ArrayOf(SqlType.Scalar("DOUBLE"))),
                ),
            ),
        )
        SqlType.parse("STRUCT<x:BIGINT NOT NULL COMMENT 'the, x',y:DATE>") shouldBe SqlType.StructOf(
            listOf("x" to SqlType.Scalar("LONG"), "y" to SqlType.Scalar("DATE")),
        )
    }

    test("garbage is rejected") {
        shouldThrow<IllegalArgumentException> { SqlType.parse("ARRAY<INT") }
        shouldThrow<IllegalArgumentException> { SqlType.parse("MAP<INT>") }
    }
})
