package dev.dbsql.flow.unit

import net.jpountz.lz4.LZ4FrameOutputStream
import org.apache.arrow.memory.BufferAllocator
import org.apache.arrow.vector.BigIntVector
import org.apache.arrow.vector.VarCharVector
import org.apache.arrow.vector.VectorSchemaRoot
import org.apache.arrow.vector.ipc.ArrowStreamWriter
import org.apache.arrow.vector.types.pojo.ArrowType
import org.apache.arrow.vector.types.pojo.Field
import org.apache.arrow.vector.types.pojo.FieldType
import org.apache.arrow.vector.types.pojo.Schema
import java.io.ByteArrayOutputStream

/** Builds Arrow IPC stream bytes of `id BIGINT, s STRING` rows for tests. */
object ArrowBytes {
    val schema = Schema(
        listOf(
            Field("id", FieldType.nullable(ArrowType.Int(64, true)), null),
            Field("s", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
        ),
    )

    /** One IPC stream with ids [first] until [first] + [rows], cut into batches of [batchRows]. */
    fun stream(allocator: BufferAllocator, first: Long, rows: Int, batchRows: Int, writeEos: Boolean = true): ByteArray {
        val out = ByteArrayOutputStream()
        VectorSchemaRoot.create(schema, allocator).use { root ->
            val writer = ArrowStreamWriter(root, null, out)
            writer.start()
            var done = 0
            while (done < rows) {
                val n = minOf(batchRows, rows - done)
                root.allocateNew()
                val ids = root.getVector("id") as BigIntVector
                val s = root.getVector("s") as VarCharVector
                for (i in 0 until n) {
                    val id = first + done + i
                    ids.setSafe(i, id)
                    if (id % 7 == 0L) s.setNull(i) else s.setSafe(i, "v$id".toByteArray())
                }
                root.rowCount = n
                writer.writeBatch()
                done += n
            }
            if (writeEos) writer.end()
        }
        return out.toByteArray()
    }

    /** [data] as LZ4 frames: one frame per [frameBytes] slice (several concatenated frames). */
    fun lz4(data: ByteArray, frameBytes: Int = Int.MAX_VALUE): ByteArray {
        val out = ByteArrayOutputStream()
        var pos = 0
        while (pos < data.size) {
            val n = minOf(frameBytes, data.size - pos)
            val frame = ByteArrayOutputStream()
            LZ4FrameOutputStream(frame).use { it.write(data, pos, n) }
            out.write(frame.toByteArray())
            pos += n
        }
        return out.toByteArray()
    }
}
