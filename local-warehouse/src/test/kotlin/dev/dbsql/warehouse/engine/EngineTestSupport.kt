package dev.dbsql.warehouse.engine

import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonNull
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.jsonArray
import net.jpountz.lz4.LZ4FrameInputStream
import org.apache.arrow.memory.BufferAllocator
import org.apache.arrow.memory.RootAllocator
import org.apache.arrow.vector.FieldVector
import org.apache.arrow.vector.ipc.ArrowStreamReader
import org.apache.arrow.vector.types.pojo.Schema

/** Shared engine for specs that need no special settings (start-up is paid once per JVM). */
object SharedEngine {
    val engine: DuckDbEngine by lazy { DuckDbEngine() }
}

val arrowOpts = RunOptions(ResultFormat.ARROW_STREAM)
val jsonOpts = RunOptions(ResultFormat.JSON_ARRAY)

fun EngineContext.exec(sql: String, params: List<SqlParameter> = emptyList()) {
    run(sql, params, jsonOpts).close()
}

/** JSON_ARRAY rows of all chunks, cells as String?. */
fun StoredResult.jsonRows(): List<List<String?>> = chunks.indices.flatMap { i ->
    val text = openChunk(i).use { it.readBytes().toString(Charsets.UTF_8) }
    Json.parseToJsonElement(text).jsonArray.map { row ->
        (row as JsonArray).map { cell -> if (cell is JsonNull) null else (cell as JsonPrimitive).also { check(it.isString) }.content }
    }
}

fun EngineContext.jsonRows(sql: String, params: List<SqlParameter> = emptyList()): List<List<String?>> =
    run(sql, params, jsonOpts).use { it.jsonRows() }

/** A decoded Arrow chunk: its schema and its rows as `getObject` values. */
data class ArrowChunk(val schema: Schema, val rows: List<List<Any?>>, val batches: Int)

fun StoredResult.arrowChunk(i: Int, allocator: BufferAllocator): ArrowChunk {
    val raw = openChunk(i)
    val input = if (lz4) LZ4FrameInputStream(raw) else raw
    input.use {
        ArrowStreamReader(it, allocator).use { reader ->
            val root = reader.vectorSchemaRoot
            val rows = ArrayList<List<Any?>>()
            var batches = 0
            while (reader.loadNextBatch()) {
                batches++
                for (r in 0 until root.rowCount) rows += root.fieldVectors.map { v: FieldVector -> v.getObject(r) }
            }
            return ArrowChunk(root.schema, rows, batches)
        }
    }
}

fun StoredResult.arrowRows(): List<List<Any?>> = RootAllocator().use { a -> chunks.indices.flatMap { arrowChunk(it, a).rows } }

fun StoredResult.arrowSchema(): Schema = RootAllocator().use { a -> arrowChunk(0, a).schema }
