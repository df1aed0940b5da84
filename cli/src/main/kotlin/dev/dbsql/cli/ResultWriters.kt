package dev.dbsql.cli

import dev.dbsql.flow.RecordBatch
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

/** How results are printed: the format, NULL's text and whether table text may be shortened. */
data class WriterSettings(val format: OutputFormat, val nullAs: String? = null, val noTruncate: Boolean = false)

fun resultWriter(settings: WriterSettings, out: OutputStream): ResultWriter = when (settings.format) {
    OutputFormat.TABLE -> TableWriter(out.bufferedWriter(), if (settings.noTruncate) null else 48, settings.nullAs ?: "NULL")
    OutputFormat.MARKDOWN -> MarkdownWriter(out.bufferedWriter(), settings.nullAs ?: "NULL")
    OutputFormat.CSV -> CsvWriter(out.bufferedWriter(), settings.nullAs ?: "")
    OutputFormat.JSONL -> JsonLinesWriter(out.bufferedWriter())
    OutputFormat.ARROW -> ArrowIpcWriter(out)
}

/** A GitHub-flavoured Markdown table: `|` escaped, line breaks as `<br>`, numbers right-aligned. */
class MarkdownWriter(private val out: Writer, private val nullAs: String = "NULL") : ResultWriter {
    private var headerDone = false

    override fun batch(batch: RecordBatch) {
        if (!headerDone) {
            val fields = batch.schema.fields
            header(fields.map { it.name }, fields.map { it.type is ArrowType.Int || it.type is ArrowType.FloatingPoint || it.type is ArrowType.Decimal })
        }
        for (r in 0 until batch.rowCount) {
            val row = batch.row(r)
            out.write(List(batch.columnCount) { c -> escape(row.getString(c) ?: nullAs) }.joinToString(" | ", prefix = "| ", postfix = " |\n"))
        }
    }

    override fun finish(columns: List<String>) {
        if (!headerDone) header(columns, columns.map { false })
        out.flush()
    }

    private fun header(names: List<String>, right: List<Boolean>) {
        out.write(names.joinToString(" | ", prefix = "| ", postfix = " |\n") { escape(it) })
        out.write(right.joinToString(" | ", prefix = "| ", postfix = " |\n") { if (it) "--:" else "---" })
        headerDone = true
    }

    private fun escape(text: String): String =
        text.replace("\\", "\\\\").replace("|", "\\|").replace("\r\n", "<br>").replace("\n", "<br>").replace("\r", "<br>")
}

/**
 * RFC-4180 CSV with a header row. SQL NULL is [nullAs] unquoted (default: an empty field); an empty
 * string, or a value equal to [nullAs], is quoted, so NULL and text never look the same.
 */
class CsvWriter(private val out: Writer, private val nullAs: String = "") : ResultWriter {
    private var headerDone = false

    override fun batch(batch: RecordBatch) {
        if (!headerDone) header(batch.schema.fields.map { it.name })
        for (r in 0 until batch.rowCount) {
            val row = batch.row(r)
            out.write(List(batch.columnCount) { c -> row.getString(c)?.let(::quote) ?: nullAs }.joinToString(",", postfix = "\r\n"))
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
        if (text.isEmpty() || text == nullAs || text.any { it == ',' || it == '"' || it == '\n' || it == '\r' }) {
            "\"" + text.replace("\"", "\"\"") + "\""
        } else {
            text
        }
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
