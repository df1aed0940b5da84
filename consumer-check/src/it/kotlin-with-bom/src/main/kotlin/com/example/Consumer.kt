package com.example

import dev.dbsql.core.DatabricksSqlClient
import dev.dbsql.core.clientConfig
import dev.dbsql.core.params
import dev.dbsql.flow.rows
import dev.dbsql.warehouse.LocalWarehouse
import kotlinx.coroutines.flow.map
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import java.io.File
import kotlin.system.exitProcess

/** What a user does first: one query through the SDK against the local warehouse, rows checked. */
fun main() {
    val problems = classpathProblems()
    LocalWarehouse.start().use { local ->
        val config = clientConfig {
            host = local.baseUrl
            warehouse = local.warehouseId
            auth = pat(local.token)
        }
        val squares = runBlocking {
            DatabricksSqlClient(config).use { client ->
                val result = client.execute("SELECT id * id AS square FROM range(:n)", params { "n" to 5 })
                // rows are views of their batch: take the values while collecting
                result.rows().map { it.getLong("square") }.toList()
            }
        }
        if (squares != listOf(0L, 1L, 4L, 9L, 16L)) problems += "wrong rows: $squares"
    }
    if (problems.isNotEmpty()) {
        problems.forEach { System.err.println("consumer check: $it") }
        exitProcess(1)
    }
    println("consumer check (Kotlin, with the BOM): OK")
}

/** The jars this project resolved against the jars the SDK's own build tested with. */
private fun classpathProblems(): MutableList<String> {
    fun jars(path: String) = path.split(File.pathSeparator).map { File(it).name }.filter { it.endsWith(".jar") }.toSet()
    val tested = jars(System.getProperty("tested.classpath").orEmpty())
    val here = jars(System.getProperty("java.class.path"))
    val problems = mutableListOf<String>()
    if (tested.isEmpty()) problems += "no tested classpath was passed in"
    (here - tested).sorted().forEach { problems += "resolved here but not tested: $it" }
    (tested - here).sorted().forEach { problems += "tested but not resolved here: $it" }
    return problems
}
