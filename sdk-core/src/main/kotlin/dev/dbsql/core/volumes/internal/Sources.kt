package dev.dbsql.core.volumes.internal

import io.ktor.utils.io.ByteWriteChannel
import io.ktor.utils.io.writeFully
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.withContext
import java.io.InputStream
import java.nio.file.Files
import java.nio.file.Path

/** Reads [input] on an I/O thread into one buffer and writes each piece before reading the next. */
internal class StreamSource(private val input: InputStream, override val length: Long?, private val bufferBytes: Int) : UploadSource {
    override suspend fun writeTo(channel: ByteWriteChannel, counted: (Int) -> Unit) {
        val buffer = ByteArray(bufferBytes)
        while (true) {
            val n = withContext(Dispatchers.IO) { input.read(buffer, 0, buffer.size) }
            if (n < 0) break
            if (n == 0) continue
            counted(n)
            channel.writeFully(buffer, 0, n)
        }
    }
}

/** A local file (already checked against the allowed list); opened per attempt, closed after. */
internal class FileSource(private val file: Path, override val length: Long, private val bufferBytes: Int) : UploadSource {
    override suspend fun writeTo(channel: ByteWriteChannel, counted: (Int) -> Unit) {
        val input = withContext(Dispatchers.IO) { Files.newInputStream(file) }
        try {
            StreamSource(input, length, bufferBytes).writeTo(channel, counted)
        } finally {
            withContext(Dispatchers.IO) { input.close() }
        }
    }
}

/** Each array of [flow] is written before the next is asked for; none is kept. */
internal class FlowSource(private val flow: Flow<ByteArray>, override val length: Long?) : UploadSource {
    override suspend fun writeTo(channel: ByteWriteChannel, counted: (Int) -> Unit) {
        flow.collect { bytes ->
            if (bytes.isEmpty()) return@collect
            counted(bytes.size)
            channel.writeFully(bytes, 0, bytes.size)
        }
    }
}
