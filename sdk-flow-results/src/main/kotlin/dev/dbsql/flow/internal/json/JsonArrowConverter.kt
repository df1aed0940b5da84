package dev.dbsql.flow.internal.json

import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonNull
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import org.apache.arrow.memory.BufferAllocator
import org.apache.arrow.vector.BigIntVector
import org.apache.arrow.vector.BitVector
import org.apache.arrow.vector.DateDayVector
import org.apache.arrow.vector.DecimalVector
import org.apache.arrow.vector.DurationVector
import org.apache.arrow.vector.Float4Vector
import org.apache.arrow.vector.Float8Vector
import org.apache.arrow.vector.IntVector
import org.apache.arrow.vector.IntervalYearVector
import org.apache.arrow.vector.NullVector
import org.apache.arrow.vector.SmallIntVector
import org.apache.arrow.vector.TimeStampMicroTZVector
import org.apache.arrow.vector.TimeStampMicroVector
import org.apache.arrow.vector.TinyIntVector
import org.apache.arrow.vector.FieldVector
import org.apache.arrow.vector.VarBinaryVector
import org.apache.arrow.vector.VarCharVector
import org.apache.arrow.vector.VectorSchemaRoot
import org.apache.arrow.vector.complex.ListVector
import org.apache.arrow.vector.complex.MapVector
import org.apache.arrow.vector.complex.StructVector
import org.apache.arrow.vector.types.pojo.Schema
import java.time.ZoneOffset

/**
 * Converts JSON_ARRAY rows (every cell a string or null) to Arrow, typed by the manifest's columns
 * (see [SqlArrowSchema] for the mapping). Nested values (ARRAY, MAP, STRUCT) arrive as JSON text and
 * are parsed into native Arrow list / map / struct vectors.
 *
 * A cell that does not parse as its column's type fails the conversion with [CellFormatException].
 */
internal class JsonArrowConverter(private val columns: List<ColumnType>, zone: String = TimestampZones.DEFAULT) {
    val schema: Schema = SqlArrowSchema.schema(columns, zone)
    private val types: List<SqlType> = columns.map { it.sqlType }

    /** Builds one root holding [rowCount] rows, where `row(k)` gives the cells of row k. */
    fun convert(rowCount: Int, allocator: BufferAllocator, row: (Int) -> List<String?>): VectorSchemaRoot {
        val root = VectorSchemaRoot.create(schema, allocator)
        try {
            for (v in root.fieldVectors) {
                v.setInitialCapacity(maxOf(rowCount, 1))
                v.allocateNew()
            }
            val vectors = root.fieldVectors
            for (r in 0 until rowCount) {
                val cells = row(r)
                if (cells.size != vectors.size) {
                    throw CellFormatException("row has ${cells.size} cells but the manifest lists ${vectors.size} columns")
                }
                for (c in vectors.indices) {
                    val text = cells[c]
                    try {
                        writeText(vectors[c], types[c], r, text)
                    } catch (e: CellFormatException) {
                        throw e
                    } catch (e: RuntimeException) {
                        throw CellFormatException(
                            "cannot read '${text?.take(80)}' as ${columns[c].typeText ?: columns[c].typeName} " +
                                "(column ${columns[c].name}): ${e.message}",
                            e,
                        )
                    }
                }
            }
            root.rowCount = rowCount
            return root
        } catch (e: Throwable) {
            root.close()
            throw e
        }
    }

    private fun writeText(v: FieldVector, type: SqlType, i: Int, text: String?) {
        when {
            text == null -> v.setNull(i)
            type is SqlType.ArrayOf || type is SqlType.MapOf || type is SqlType.StructOf ->
                writeJson(v, type, i, Json.parseToJsonElement(text))
            else -> writeScalar(v, type, i, text)
        }
    }

    private fun writeScalar(v: FieldVector, type: SqlType, i: Int, text: String) {
        when (v) {
            is BitVector -> v.setSafe(i, if (TextValues.boolean(text)) 1 else 0)
            is TinyIntVector -> v.setSafe(i, text.trim().toByte())
            is SmallIntVector -> v.setSafe(i, text.trim().toShort())
            is IntVector -> v.setSafe(i, text.trim().toInt())
            is BigIntVector -> v.setSafe(i, text.trim().toLong())
            is Float4Vector -> v.setSafe(i, TextValues.double(text).toFloat())
            is Float8Vector -> v.setSafe(i, TextValues.double(text))
            is DecimalVector -> v.setSafe(i, TextValues.decimal(text, v.scale))
            is VarCharVector -> v.setSafe(i, text.toByteArray(Charsets.UTF_8))
            is VarBinaryVector -> v.setSafe(i, TextValues.binary(text))
            is DateDayVector -> v.setSafe(i, Math.toIntExact(TextValues.date(text).toEpochDay()))
            is TimeStampMicroTZVector -> v.setSafe(i, TextValues.epochMicros(TextValues.instant(text)))
            is TimeStampMicroVector ->
                v.setSafe(i, TextValues.epochMicros(TextValues.localDateTime(text).toInstant(ZoneOffset.UTC)))
            is IntervalYearVector -> v.setSafe(i, TextValues.yearMonth(text, type as SqlType.Interval))
            is DurationVector -> v.setSafe(i, TextValues.durationMicros(TextValues.dayTime(text, type as SqlType.Interval)))
            is NullVector -> Unit
            else -> throw CellFormatException("no JSON conversion into ${v.javaClass.simpleName}")
        }
    }

    private fun writeJson(v: FieldVector, type: SqlType, i: Int, e: JsonElement) {
        if (e is JsonNull) {
            setNullDeep(v, i)
            return
        }
        when (type) {
            is SqlType.ArrayOf -> {
                val list = v as ListVector
                val items = nested(e) as? JsonArray ?: throw CellFormatException("expected a JSON array, got $e")
                val start = list.startNewValue(i)
                items.forEachIndexed { k, item -> writeJson(list.dataVector, type.element, start + k, item) }
                list.endValue(i, items.size)
            }
            is SqlType.MapOf -> {
                val map = v as MapVector
                val entries = mapEntries(nested(e))
                val start = map.startNewValue(i)
                val struct = map.dataVector as StructVector
                entries.forEachIndexed { k, (key, value) ->
                    struct.setIndexDefined(start + k)
                    writeJson(struct.getChildByOrdinal(0) as FieldVector, type.key, start + k, key)
                    writeJson(struct.getChildByOrdinal(1) as FieldVector, type.value, start + k, value)
                }
                map.endValue(i, entries.size)
            }
            is SqlType.StructOf -> {
                val struct = v as StructVector
                val obj = nested(e) as? JsonObject ?: throw CellFormatException("expected a JSON object, got $e")
                struct.setIndexDefined(i)
                type.fields.forEachIndexed { k, (name, fieldType) ->
                    writeJson(struct.getChildByOrdinal(k) as FieldVector, fieldType, i, obj[name] ?: JsonNull)
                }
            }
            else -> {
                val p = e as? JsonPrimitive ?: throw CellFormatException("expected a scalar, got $e")
                when {
                    !p.isString && v is TimeStampMicroTZVector -> v.setSafe(i, p.content.toLong())
                    !p.isString && v is TimeStampMicroVector -> v.setSafe(i, p.content.toLong())
                    else -> writeScalar(v, type, i, p.content)
                }
            }
        }
    }

    /** Nested values may themselves be JSON text inside a string; unwrap that once. */
    private fun nested(e: JsonElement): JsonElement =
        if (e is JsonPrimitive && e.isString) Json.parseToJsonElement(e.content) else e

    /** A MAP as a JSON object (`{"k": v}`) or as an array of `{"key": …, "value": …}` entries. */
    private fun mapEntries(e: JsonElement): List<Pair<JsonElement, JsonElement>> = when (e) {
        is JsonObject -> e.entries.map { (k, v) -> JsonPrimitive(k) to v }
        is JsonArray -> e.map { entry ->
            val o = entry as? JsonObject ?: throw CellFormatException("expected a map entry object, got $entry")
            (o["key"] ?: JsonNull) to (o["value"] ?: JsonNull)
        }
        else -> throw CellFormatException("expected a JSON object for a MAP, got $e")
    }

    private fun setNullDeep(v: FieldVector, i: Int) {
        v.setNull(i)
        if (v is StructVector) v.getChildrenFromFields().forEach { setNullDeep(it, i) }
    }
}

/** A JSON_ARRAY cell that does not fit its column's type. */
internal class CellFormatException(message: String, cause: Throwable? = null) : RuntimeException(message, cause)
