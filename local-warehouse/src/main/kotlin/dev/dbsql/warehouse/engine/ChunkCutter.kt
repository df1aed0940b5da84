package dev.dbsql.warehouse.engine

import org.apache.arrow.vector.VectorSchemaRoot

/**
 * Cuts a stream of batches into chunks of at most `chunkRows` rows and about `chunkBytes` bytes,
 * and applies `row_limit` / `byte_limit`. `truncated` is set only when rows were actually cut.
 * Engine thread only.
 */
internal class ChunkCutter(
    private val options: RunOptions,
    private val writer: FormatWriter,
    private val newBuffer: (Int) -> ChunkBuffer,
) {
    val chunks = ArrayList<StoredChunk>()
    val buffers = ArrayList<ChunkBuffer>()
    var totalRows = 0L
        private set
    var truncated = false
        private set
    private var closedBytes = 0L
    private var open: ChunkBuffer? = null
    private var rowsInChunk = 0L
    private var bytesPerRow = 0.0
    private val chunkRows = options.chunkRows.coerceAtLeast(1).toLong()
    private val chunkBytes = options.chunkBytes.coerceAtLeast(1)

    /** Adds a batch; false when a limit is reached and no more rows are wanted. */
    fun add(batch: VectorSchemaRoot): Boolean {
        val n = batch.rowCount
        if (n == 0) return true
        if (bytesPerRow == 0.0) {
            val b = batch.fieldVectors.sumOf { it.bufferSize.toLong() }
            bytesPerRow = maxOf(1.0, b.toDouble() / n)
        }
        var pos = 0
        while (pos < n) {
            val rowLimit = options.rowLimit
            if (rowLimit != null && totalRows >= rowLimit) { truncated = true; return false }
            var take = (n - pos).toLong()
            if (rowLimit != null) take = minOf(take, rowLimit - totalRows)
            val byteLimit = options.byteLimit
            if (byteLimit != null) {
                val room = byteLimit - closedBytes - writer.chunkBytes
                val fit = (room / bytesPerRow).toLong()
                if (fit < 1) { truncated = true; return false }
                take = minOf(take, fit)
            }
            if (open == null) start()
            take = minOf(take, chunkRows - rowsInChunk)
            val byteRoom = chunkBytes - writer.chunkBytes
            take = minOf(take, maxOf(1L, (byteRoom / bytesPerRow).toLong()))
            writer.write(batch, pos, take.toInt())
            pos += take.toInt()
            totalRows += take
            rowsInChunk += take
            if (rowsInChunk > 0 && writer.chunkBytes > 0) bytesPerRow = maxOf(1.0, writer.chunkBytes.toDouble() / rowsInChunk)
            if (rowsInChunk >= chunkRows || writer.chunkBytes >= chunkBytes) finishChunk()
        }
        return true
    }

    private fun start() {
        val b = newBuffer(chunks.size)
        buffers += b
        open = b
        rowsInChunk = 0
        writer.startChunk(b)
    }

    private fun finishChunk() {
        val b = open ?: return
        val bytes = writer.finishChunk()
        chunks += StoredChunk(chunks.size, totalRows - rowsInChunk, rowsInChunk, bytes, b.size)
        closedBytes += bytes
        open = null
        rowsInChunk = 0
    }

    /** Ends the last chunk and waits until all chunks are stored; fixes their stored sizes. */
    fun finish() {
        if (open != null && rowsInChunk == 0L) { writer.abort(); buffers.removeLast().delete(); open = null }
        finishChunk()
        writer.awaitAll()
        for (i in chunks.indices) chunks[i] = chunks[i].copy(storedByteCount = buffers[i].size)
    }

    /** Frees everything written so far (after a failure or cancel). */
    fun discard() {
        writer.abort()
        open = null
        buffers.forEach { it.delete() }
        buffers.clear()
        chunks.clear()
    }
}
