package dev.dbsql.samples

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import java.io.ByteArrayOutputStream
import java.io.PrintStream

/** Runs the Spark sample against an embedded warehouse and checks what it prints. */
class SparkSampleSpec : FunSpec({
    beforeSpec { System.setProperty("dbsql.samples.target", "local") }
    afterSpec { System.clearProperty("dbsql.samples.target") }

    test("SparkSample") {
        val captured = ByteArrayOutputStream()
        val original = System.out
        System.setOut(PrintStream(captured, true, Charsets.UTF_8))
        try {
            Class.forName("dev.dbsql.samples.SparkSampleKt").getMethod("main", Array<String>::class.java).invoke(null, arrayOf<String>())
        } finally {
            System.setOut(original)
        }
        val out = captured.toString(Charsets.UTF_8).also { print(it) }
        out shouldContain "15000 orders"
        Regex("status \\w: (\\d+) orders").findAll(out).sumOf { it.groupValues[1].toLong() } shouldBe 15000L
    }
})
