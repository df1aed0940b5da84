package dev.dbsql.warehouse.support

import net.jpountz.lz4.LZ4FrameInputStream
import org.apache.arrow.memory.RootAllocator
import org.apache.arrow.vector.BigIntVector
import org.apache.arrow.vector.ipc.ArrowStreamReader
import java.io.ByteArrayInputStream

/** Decompresses LZ4 frames (possibly several concatenated). */
fun lz4Decompress(bytes: ByteArray): ByteArray = LZ4FrameInputStream(ByteArrayInputStream(bytes)).use { it.readBytes() }

/** Reads one Arrow IPC stream and returns the values of its BIGINT column [column], plus the row count. */
fun readArrowLongs(bytes: ByteArray, column: String = "id"): List<Long> {
    RootAllocator().use { allocator ->
        ArrowStreamReader(ByteArrayInputStream(bytes), allocator).use { reader ->
            val out = ArrayList<Long>()
            while (reader.loadNextBatch()) {
                val root = reader.vectorSchemaRoot
                val vector = root.getVector(column) as BigIntVector
                for (i in 0 until root.rowCount) out += vector.get(i)
            }
            return out
        }
    }
}
