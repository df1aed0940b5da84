package dev.dbsql.flow.internal.json

import java.time.ZoneId
import java.time.ZoneOffset
import java.time.temporal.ChronoField

/**
 * The session time zone of a JSON_ARRAY result. A real warehouse names the zone in Arrow fields
 * (`Timestamp(µs, America/Los_Angeles)`) but JSON text only carries the offset of each value
 * (`2021-01-01T10:00:00.000-08:00`). When the caller's session or statement configuration set
 * `timezone`, the Arrow field of a JSON result is named by it ([named]): values on both sides of a
 * daylight-saving change read back with their own offsets, as the server wrote them. Otherwise it
 * takes the offset of the first TIMESTAMP value in the rows at hand (`-08:00`), `UTC` for a zero
 * offset or when there is none: the instants are exact either way, and the text and offsets read
 * back match the server's for every value with that offset.
 */
internal object TimestampZones {
    const val DEFAULT: String = "UTC"

    /** [id] (a configured `timezone`) as the id of a zone Java knows, `UTC` for a zero offset; null when it names none. */
    fun named(id: String?): String? {
        if (id.isNullOrBlank()) return null
        val zone = runCatching { ZoneId.of(id.trim()) }.getOrNull() ?: return null
        return if (zone.normalized() == ZoneOffset.UTC) DEFAULT else zone.id
    }

    /** The zone for [columns] from the first non-null top-level TIMESTAMP cell of [rows]. */
    fun fromJsonRows(columns: List<ColumnType>, rows: List<List<String?>>?): String {
        if (rows.isNullOrEmpty()) return DEFAULT
        val timestampColumns = columns.indices.filter { (columns[it].sqlType as? SqlType.Scalar)?.name == "TIMESTAMP" }
        if (timestampColumns.isEmpty()) return DEFAULT
        for (row in rows) {
            for (c in timestampColumns) {
                val text = row.getOrNull(c) ?: continue
                return offsetOf(text) ?: DEFAULT
            }
        }
        return DEFAULT
    }

    private fun offsetOf(text: String): String? {
        val parsed = runCatching { TextValues.parseDateTime(text) }.getOrNull() ?: return null
        if (!parsed.isSupported(ChronoField.OFFSET_SECONDS)) return null
        val offset = ZoneOffset.ofTotalSeconds(parsed.get(ChronoField.OFFSET_SECONDS))
        return if (offset == ZoneOffset.UTC) DEFAULT else offset.id
    }

    /** [id] as a [ZoneId]; an id Java does not know reads as UTC (the instant stays exact). */
    fun zoneOf(id: String?): ZoneId = id?.let { runCatching { ZoneId.of(it) }.getOrNull() } ?: ZoneOffset.UTC
}
