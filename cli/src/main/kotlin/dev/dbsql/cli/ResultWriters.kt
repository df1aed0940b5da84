package dev.dbsql.cli

import dev.dbsql.flow.RecordBatch
import dev.dbsql.flow.Row
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonNull
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import org.apache.arrow.vector.VectorUnloader
import org.apache.arrow.vector.ipc.ArrowStreamWriter
import org.apache.arrow.vector.ipc.WriteChannel
import org.apache.arrow.vector.ipc.message.IpcOption
import org.apache.arrow.vector.ipc.message.MessageSerializer
import org.apache.arrow.vector.types.pojo.ArrowType
import java.io.OutputStream
import java.io.Writer
import java.math.BigDecimal
import java.nio.channels.Channels
import java.util.Base64

/** Writes a result batch by batch. The caller owns (and closes) each batch and the stream. */
interface ResultWriter {
    fun batch(batch: RecordBatch)
    /** Called once after the last batch (also for an empty result). */
    fun finish(columns: List<String>)
}

fun resultWriter(format: OutputFormat, out: OutputStream): ResultWriter = when (format) {
    OutputFormat.TABLE -> TableWriter(out.bufferedWriter())
    OutputFormat.CSV -> CsvWriter(out.bufferedWriter())
    OutputFormat.JSON -> JsonLinesWriter(out.bufferedWriter())
    OutputFormat.ARROW -> ArrowIpcWriter(out)
}

/**
 * An aligned text table. Column widths come from the header and the first batch (at most
 * [maxWidth] characters); longer values later are cut with `…`. Numbers are right-aligned. Ends
 * with a row count.
 */
class TableWriter(private val out: Writer, private val maxWidth: Int = 48) : ResultWriter {
    private var widths: IntArray? = null
    private var numeric = BooleanArray(0)
    private var rows = 0L

    override fun batch(batch: RecordBatch) {
        val names = batch.schema.fields.map { it.name }
        val w = widths ?: IntArray(names.size) { c ->
            val longest = (0 until batch.rowCount).maxOfOrNull { cell(batch.row(it), c).length } ?: 0
            maxOf(names[c].length, longest).coerceIn(1, maxWidth)
        }.also {
            widths = it
            numeric = BooleanArray(names.size) { c -> batch.schema.fields[c].type.isNumber() }
            header(names, it)
        }
        for (r in 0 until batch.rowCount) {
            val row = batch.row(r)
            out.write(List(w.size) { c -> fit(cell(row, c), w[c], numeric[c]) }.joinToString(" | ", prefix = " ", postfix = "\n"))
        }
        rows += batch.rowCount
    }

    override fun finish(columns: List<String>) {
        if (widths == null && columns.isNotEmpty()) header(columns, IntArray(columns.size) { columns[it].length.coerceIn(1, maxWidth) })
        out.write("(${rows} row${if (rows == 1L) "" else "s"})\n")
        out.flush()
    }

    private fun header(names: List<String>, w: IntArray) {
        out.write(names.indices.joinToString(" | ", prefix = " ", postfix = "\n") { fit(names[it], w[it]) })
        out.write(w.joinToString("-+-", prefix = "-", postfix = "-\n") { "-".repeat(it) })
    }

    private fun cell(row: Row, column: Int): String =
        (row.getString(column) ?: "NULL").replace('\n', ' ').replace('\t', ' ')

    private fun fit(text: String, width: Int, right: Boolean = false): String = when {
        text.length > width -> text.take(width - 1) + "…"
        right -> text.padStart(width)
        else -> text.padEnd(width)
    }

    private fun ArrowType.isNumber(): Boolean = this is ArrowType.Int || this is ArrowType.FloatingPoint || this is ArrowType.Decimal
}

/** RFC-4180 CSV with a header row; SQL NULL is an empty field. */
class CsvWriter(private val out: Writer) : ResultWriter {
    private var headerDone = false

    override fun batch(batch: RecordBatch) {
        if (!headerDone) header(batch.schema.fields.map { it.name })
        for (r in 0 until batch.rowCount) {
            val row = batch.row(r)
            out.write(List(batch.columnCount) { c -> row.getString(c)?.let(::quote) ?: "" }.joinToString(",", postfix = "\r\n"))
        }
    }

    override fun finish(columns: List<String>) {
        if (!headerDone) header(columns)
        out.flush()
    }

    private fun header(names: List<String>) {
        out.write(names.joinToString(",", postfix = "\r\n") { quote(it) })
        headerDone = true
    }

    private fun quote(text: String): String =
        if (text.any { it == ',' || it == '"' || it == '\n' || it == '\r' }) "\"" + text.replace("\"", "\"\"") + "\"" else text
}

/** One JSON object per row (JSON Lines), keyed by column name; numbers stay numbers. */
class JsonLinesWriter(private val out: Writer) : ResultWriter {
    override fun batch(batch: RecordBatch) {
        val names = batch.schema.fields.map { it.name }
        for (r in 0 until batch.rowCount) {
            val row = batch.row(r)
            out.write(JsonObject(names.indices.associate { names[it] to json(row.getObject(it)) }).toString())
            out.write("\n")
        }
    }

    override fun finish(columns: List<String>) = out.flush()

    private fun json(value: Any?): JsonElement = when (value) {
        null -> JsonNull
        is Boolean -> JsonPrimitive(value)
        is BigDecimal -> JsonPrimitive(value)
        is Double -> if (value.isFinite()) JsonPrimitive(value) else JsonPrimitive(value.toString())
        is Float -> if (value.isFinite()) JsonPrimitive(value) else JsonPrimitive(value.toString())
        is Number -> JsonPrimitive(value)
        is ByteArray -> JsonPrimitive(Base64.getEncoder().encodeToString(value))
        is List<*> -> JsonArray(value.map { json(it) })
        is Map<*, *> ->
            if (value.keys.all { it is String }) JsonObject(value.entries.associate { (k, v) -> k as String to json(v) })
            else JsonArray(value.entries.map { (k, v) -> JsonObject(mapOf("key" to json(k), "value" to json(v))) })
        else -> JsonPrimitive(value.toString())
    }
}

/** The batches as one Arrow IPC stream (schema, record batches, end-of-stream). */
class ArrowIpcWriter(out: OutputStream) : ResultWriter {
    private val channel = WriteChannel(Channels.newChannel(out))
    private var schemaDone = false

    override fun batch(batch: RecordBatch) {
        if (!schemaDone) {
            MessageSerializer.serialize(channel, batch.schema)
            schemaDone = true
        }
        VectorUnloader(batch.root).recordBatch.use { MessageSerializer.serialize(channel, it) }
    }

    override fun finish(columns: List<String>) {
        if (!schemaDone) {
            MessageSerializer.serialize(channel, org.apache.arrow.vector.types.pojo.Schema(emptyList()))
        }
        ArrowStreamWriter.writeEndOfStream(channel, IpcOption.DEFAULT)
        channel.close()
    }
}
