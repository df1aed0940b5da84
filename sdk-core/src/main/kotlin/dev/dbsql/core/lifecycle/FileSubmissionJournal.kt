package dev.dbsql.core.lifecycle

import dev.dbsql.core.ConfigurationException
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import kotlinx.coroutines.withContext
import kotlinx.serialization.SerialName
import kotlinx.serialization.Serializable
import kotlinx.serialization.json.Json
import java.nio.ByteBuffer
import java.nio.channels.FileChannel
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.StandardOpenOption

/**
 * A [SubmissionJournal] in one append-only file of JSON lines (`submit` and `ack` records), each
 * write forced to the device before it returns. One process at a time should own a file.
 * Lines longer than [MAX_LINE_CHARS] and lines that are not records (a torn last write) are
 * skipped when reading. File I/O runs on `Dispatchers.IO`; thread-safe within the process.
 */
public class FileSubmissionJournal(public val path: Path) : SubmissionJournal {
    private val mutex = Mutex()

    @Serializable
    private data class Line(
        @SerialName("op") val op: String,
        @SerialName("entry") val entry: JournalEntry? = null,
        @SerialName("request_id") val requestId: String? = null,
        @SerialName("statement_id") val statementId: String? = null,
    )

    override suspend fun record(entry: JournalEntry): Unit = append(Line("submit", entry = entry))

    override suspend fun acknowledge(requestId: String, statementId: String): Unit =
        append(Line("ack", requestId = requestId, statementId = statementId))

    override suspend fun unacknowledged(): List<JournalEntry> = mutex.withLock {
        withContext(Dispatchers.IO) {
            if (!Files.exists(path)) return@withContext emptyList()
            val open = LinkedHashMap<String, JournalEntry>()
            Files.newBufferedReader(path).useLines { lines ->
                for (text in lines) {
                    if (text.isBlank() || text.length > MAX_LINE_CHARS) continue
                    val line = runCatching { json.decodeFromString(Line.serializer(), text) }.getOrNull() ?: continue
                    when (line.op) {
                        "submit" -> line.entry?.let { open[it.requestId] = it }
                        "ack" -> line.requestId?.let { open.remove(it) }
                    }
                }
            }
            open.values.toList()
        }
    }

    private suspend fun append(line: Line) {
        val bytes = (json.encodeToString(Line.serializer(), line) + "\n").toByteArray()
        if (bytes.size > MAX_LINE_CHARS) throw ConfigurationException("journal", "a journal record of ${bytes.size} bytes exceeds $MAX_LINE_CHARS")
        mutex.withLock {
            withContext(Dispatchers.IO) {
                path.parent?.let { Files.createDirectories(it) }
                FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND).use { ch ->
                    val buffer = ByteBuffer.wrap(bytes)
                    while (buffer.hasRemaining()) ch.write(buffer)
                    ch.force(true)
                }
            }
        }
    }

    override fun toString(): String = "FileSubmissionJournal($path)"

    public companion object {
        /** The longest record written or read: a 16 MiB statement plus its envelope. */
        public const val MAX_LINE_CHARS: Int = 17 * 1024 * 1024

        private val json = Json { ignoreUnknownKeys = true; explicitNulls = false }
    }
}
