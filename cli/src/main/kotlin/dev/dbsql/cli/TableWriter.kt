package dev.dbsql.cli

import dev.dbsql.flow.RecordBatch
import dev.dbsql.flow.Row
import org.apache.arrow.vector.types.pojo.ArrowType
import java.io.Writer

/**
 * An aligned text table, written batch by batch. Column widths fit the values seen so far; when a
 * later batch has a wider value, the header is printed again with the wider layout before that
 * batch, so that no value is ever cut to fit an earlier width. Numbers (right-aligned) and other
 * non-text values are always printed in full. A text value longer than [maxText] characters (null:
 * no limit) is shortened to end in `…`, and the footer says how many values were shortened.
 */
class TableWriter(private val out: Writer, private val maxText: Int? = 48, private val nullAs: String = "NULL") : ResultWriter {
    private var widths: IntArray? = null
    private var numeric = BooleanArray(0)
    private var text = BooleanArray(0)
    private var names = emptyList<String>()
    private var rows = 0L
    private var shortened = 0L

    override fun batch(batch: RecordBatch) {
        if (widths == null) {
            names = batch.schema.fields.map { it.name }
            numeric = BooleanArray(names.size) { c -> batch.schema.fields[c].type.isNumber() }
            text = BooleanArray(names.size) { c -> batch.schema.fields[c].type.isText() }
        }
        val cells = Array(batch.rowCount) { r -> val row = batch.row(r); Array(names.size) { c -> cell(row, c) } }
        val needed = IntArray(names.size) { c -> maxOf(1, names[c].length, cells.maxOfOrNull { shown(it[c], c).length } ?: 0) }
        val w = widths
        if (w == null || needed.indices.any { needed[it] > w[it] }) {
            val grown = IntArray(needed.size) { maxOf(needed[it], w?.get(it) ?: 0) }
            if (w != null) out.write("\n")
            header(grown)
            widths = grown
        }
        val current = widths!!
        for (row in cells) {
            out.write(
                row.indices.joinToString(" | ", prefix = " ", postfix = "\n") { c ->
                    val value = row[c]
                    if (value != null && maxText != null && text[c] && value.length > maxText) shortened++
                    pad(shown(value, c), current[c], numeric[c])
                },
            )
        }
        rows += batch.rowCount
    }

    override fun finish(columns: List<String>) {
        if (widths == null && columns.isNotEmpty()) {
            names = columns
            header(IntArray(columns.size) { maxOf(1, columns[it].length) })
        }
        out.write("(${rows} row${if (rows == 1L) "" else "s"})\n")
        if (shortened > 0) {
            out.write("($shortened text value${if (shortened == 1L) " was" else "s were"} longer than $maxText characters and shortened, ending in '…'; --no-truncate prints them in full)\n")
        }
        out.flush()
    }

    private fun header(w: IntArray) {
        out.write(names.indices.joinToString(" | ", prefix = " ", postfix = "\n") { pad(names[it], w[it], false) })
        out.write(w.joinToString("-+-", prefix = "-", postfix = "-\n") { "-".repeat(it) })
    }

    private fun cell(row: Row, column: Int): String? = row.getString(column)?.replace('\n', ' ')?.replace('\r', ' ')?.replace('\t', ' ')

    /** The text printed for [value]: [nullAs], the value, or a shortened text value. */
    private fun shown(value: String?, column: Int): String {
        if (value == null) return nullAs
        val limit = maxText ?: return value
        return if (text[column] && value.length > limit) value.take(limit - 1) + "…" else value
    }

    private fun pad(s: String, width: Int, right: Boolean): String {
        return if (right) s.padStart(width) else s.padEnd(width)
    }

    private fun ArrowType.isNumber(): Boolean = this is ArrowType.Int || this is ArrowType.FloatingPoint || this is ArrowType.Decimal
    private fun ArrowType.isText(): Boolean = !isNumber() && this !is ArrowType.Bool && this !is ArrowType.Date &&
        this !is ArrowType.Timestamp && this !is ArrowType.Time && this !is ArrowType.Interval && this !is ArrowType.Duration
}
