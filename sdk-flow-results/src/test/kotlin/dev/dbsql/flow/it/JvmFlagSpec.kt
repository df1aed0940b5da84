package dev.dbsql.flow.it

import dev.dbsql.core.ConfigurationException
import dev.dbsql.core.DatabricksSqlClient
import dev.dbsql.core.clientConfig
import dev.dbsql.flow.rows
import dev.dbsql.warehouse.LocalWarehouse
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import kotlinx.coroutines.flow.map
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import java.io.File
import java.util.concurrent.TimeUnit
import kotlin.system.exitProcess

/**
 * A JVM started without `--add-opens=java.base/java.nio=ALL-UNNAMED`: the first read must fail
 * with a [ConfigurationException] that names the flag — every time, not an
 * `ExceptionInInitializerError` once and `NoClassDefFoundError` after.
 */
class JvmFlagSpec : FunSpec({
    val warehouse = LocalWarehouse.start()
    afterSpec { warehouse.close() }

    fun probe(vararg jvmFlags: String): Pair<Int, String> {
        val java = File(System.getProperty("java.home"), "bin/java").path
        val command = listOf(java, "-Xmx256m", *jvmFlags, "-cp", System.getProperty("java.class.path"),
            NoJvmFlagProbe::class.java.name, warehouse.baseUrl, warehouse.httpPath, warehouse.token)
        val process = ProcessBuilder(command).redirectErrorStream(true).start()
        val output = process.inputStream.bufferedReader().readText()
        check(process.waitFor(5, TimeUnit.MINUTES)) { "probe did not finish" }
        return process.exitValue() to output
    }

    test("without the flag, each read fails with a ConfigurationException naming the flag") {
        val (exit, output) = probe()
        exit shouldBe 0
        output.lines().filter { it.startsWith("attempt") } shouldBe listOf(
            "attempt 1: ${ConfigurationException::class.java.name}",
            "attempt 2: ${ConfigurationException::class.java.name}",
        )
        output shouldContain "--add-opens=java.base/java.nio=ALL-UNNAMED"
        output shouldContain "MANIFEST.MF"
        output shouldNotContain "ExceptionInInitializerError"
        output shouldNotContain "NoClassDefFoundError"
    }

    test("with the flag, the same program reads its rows") {
        val (exit, output) = probe("--add-opens=java.base/java.nio=ALL-UNNAMED")
        exit shouldBe 0
        output.lines().filter { it.startsWith("attempt") } shouldBe listOf("attempt 1: [0, 1, 2]", "attempt 2: [0, 1, 2]")
    }
})

/** Child-JVM program of [JvmFlagSpec]: reads one small result twice and prints what happened. */
object NoJvmFlagProbe {
    @JvmStatic
    fun main(args: Array<String>) {
        val (baseUrl, path, token) = args
        val client = DatabricksSqlClient(clientConfig { host = baseUrl; httpPath = path; auth = pat(token) })
        client.use {
            for (attempt in 1..2) {
                val outcome = try {
                    runBlocking { client.execute("SELECT id FROM range(3)").rows().map { it.getLong("id") }.toList().toString() }
                } catch (e: Throwable) {
                    println(e.message)
                    e.javaClass.name
                }
                println("attempt $attempt: $outcome")
            }
        }
        exitProcess(0)
    }
}
