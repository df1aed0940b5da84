package dev.dbsql.core.volumes

import dev.dbsql.core.DatabricksSqlClient
import dev.dbsql.core.Disposition
import dev.dbsql.core.ExecuteOptions
import dev.dbsql.core.ProtocolException
import dev.dbsql.core.ResultCompression
import dev.dbsql.core.ResultFormat
import dev.dbsql.core.Session
import dev.dbsql.core.StatementParameters
import dev.dbsql.core.StatementResult
import dev.dbsql.core.internal.DbsqlInternalApi
import dev.dbsql.core.internal.downloadHttpClient
import dev.dbsql.core.internal.fetchResultData
import dev.dbsql.core.volumes.internal.FileSource
import dev.dbsql.core.volumes.internal.FlowSource
import dev.dbsql.core.volumes.internal.LocalPaths
import dev.dbsql.core.volumes.internal.StagingTicket
import dev.dbsql.core.volumes.internal.StreamSource
import dev.dbsql.core.volumes.internal.Transfers
import dev.dbsql.core.volumes.internal.redact
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.withContext
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import java.io.InputStream
import java.io.OutputStream
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.StandardCopyOption
import java.util.UUID

/**
 * Unity Catalog volume files through staging operations, as the official drivers run them: the
 * SDK executes `PUT '<local>' INTO '/Volumes/…'`, `GET '/Volumes/…' TO '<local>'` or
 * `REMOVE '/Volumes/…'`, the warehouse answers with a presigned URL and the headers to send, and
 * the SDK moves the bytes to or from that URL itself — with the client's download HTTP client,
 * which never sends the workspace `Authorization` header. `LIST '/Volumes/…'` is a query.
 *
 * **Memory.** Every transfer streams through one buffer of [VolumeOptions.bufferBytes]; no file is
 * held in memory. **Local files** are read or written only under [VolumeOptions.allowedLocalPaths]
 * (none by default: [LocalPathNotAllowedException]); a GET writes a temporary file next to the
 * target and moves it into place once complete, so a failed GET leaves no partial file.
 * **Secrets.** Presigned URLs appear in no `toString`, log or exception message (their query, which
 * holds the signature, is cut).
 *
 * **Ownership and threads.** Holds nothing of its own: it uses [client] (and [session] when given:
 * its statements run there). Thread-safe; every operation is a suspend call that runs in the
 * caller's coroutine (file I/O on [Dispatchers.IO]). **Cancellation** of the caller stops the
 * statement (like [DatabricksSqlClient.execute]) or the transfer; a cancelled PUT may leave the
 * remote file absent, a cancelled GET leaves no local file. Caller-supplied streams are not closed.
 */
public class Volumes @JvmOverloads constructor(
    public val client: DatabricksSqlClient,
    public val options: VolumeOptions = VolumeOptions.DEFAULT,
    public val session: Session? = null,
) {
    private val paths = LocalPaths(options.allowedLocalPaths)

    @OptIn(DbsqlInternalApi::class)
    private val transfers = Transfers({ host -> client.downloadHttpClient(host) }, options)

    /** Uploads the local [file] (under an allowed path) to [volumePath]; [overwrite] replaces an existing file. */
    public suspend fun put(file: Path, volumePath: String, overwrite: Boolean = false, progress: VolumeProgress = VolumeProgress.NONE) {
        val local = withContext(Dispatchers.IO) { paths.check(file) }
        val size = withContext(Dispatchers.IO) {
            if (!Files.isRegularFile(local)) throw LocalPathNotAllowedException("local path $file is not a regular file", file.toString())
            Files.size(local)
        }
        val ticket = ticket("PUT", "PUT ${literal(local.toString())} INTO ${literal(volumePath)}${if (overwrite) " OVERWRITE" else ""}")
        transfers.upload(ticket, FileSource(local, size, options.bufferBytes), progress)
    }

    /**
     * Uploads what [source] yields to [volumePath]. [length] (when known) is sent as `Content-Length`
     * and checked; object stores may require it. [source] is read to its end and not closed.
     */
    public suspend fun put(
        source: InputStream,
        volumePath: String,
        length: Long? = null,
        overwrite: Boolean = false,
        progress: VolumeProgress = VolumeProgress.NONE,
    ) {
        val ticket = ticket("PUT", "PUT ${literal(STREAM)} INTO ${literal(volumePath)}${if (overwrite) " OVERWRITE" else ""}")
        transfers.upload(ticket, StreamSource(source, length, options.bufferBytes), progress)
    }

    /** Uploads the arrays of [source] (collected once, in order; none is kept) to [volumePath]; see the InputStream form. */
    public suspend fun put(
        source: Flow<ByteArray>,
        volumePath: String,
        length: Long? = null,
        overwrite: Boolean = false,
        progress: VolumeProgress = VolumeProgress.NONE,
    ) {
        val ticket = ticket("PUT", "PUT ${literal(STREAM)} INTO ${literal(volumePath)}${if (overwrite) " OVERWRITE" else ""}")
        transfers.upload(ticket, FlowSource(source, length), progress)
    }

    /** Downloads [volumePath] into the local [file] (under an allowed path), replacing it once complete. */
    public suspend fun get(volumePath: String, file: Path, progress: VolumeProgress = VolumeProgress.NONE) {
        val target = withContext(Dispatchers.IO) { paths.check(file) }
        val ticket = ticket("GET", "GET ${literal(volumePath)} TO ${literal(target.toString())}")
        val temp = target.resolveSibling(".${target.fileName}.${UUID.randomUUID()}.part")
        var done = false
        try {
            val out = withContext(Dispatchers.IO) {
                Files.createDirectories(target.parent)
                Files.newOutputStream(temp)
            }
            try {
                transfers.download(ticket, progress) { buffer, n -> withContext(Dispatchers.IO) { out.write(buffer, 0, n) } }
            } finally {
                withContext(Dispatchers.IO) { out.close() }
            }
            withContext(Dispatchers.IO) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE)
            }
            done = true
        } finally {
            if (!done) withContext(kotlinx.coroutines.NonCancellable + Dispatchers.IO) { runCatching { Files.deleteIfExists(temp) } }
        }
    }

    /** Downloads [volumePath] into [sink] (written on an I/O thread, not closed). */
    public suspend fun get(volumePath: String, sink: OutputStream, progress: VolumeProgress = VolumeProgress.NONE) {
        val ticket = ticket("GET", "GET ${literal(volumePath)} TO ${literal(STREAM)}")
        transfers.download(ticket, progress) { buffer, n -> withContext(Dispatchers.IO) { sink.write(buffer, 0, n) } }
    }

    /**
     * The bytes of [volumePath] as a cold flow: each collection runs the GET and emits the file in
     * pieces of at most [VolumeOptions.bufferBytes] (a fresh array each, the collector may keep them).
     */
    public fun download(volumePath: String): Flow<ByteArray> = flow {
        val ticket = ticket("GET", "GET ${literal(volumePath)} TO ${literal(STREAM)}")
        transfers.download(ticket, VolumeProgress.NONE) { buffer, n -> emit(buffer.copyOf(n)) }
    }

    /** Deletes the file at [volumePath]. */
    public suspend fun remove(volumePath: String) {
        transfers.delete(ticket("REMOVE", "REMOVE ${literal(volumePath)}"))
    }

    /** The entries of the directory [volumePath] (`LIST`), as the warehouse orders them. */
    @OptIn(DbsqlInternalApi::class)
    public suspend fun list(volumePath: String): List<VolumeEntry> {
        val result = run("LIST ${literal(volumePath)}")
        val names = result.manifest.columns.map { it.name.lowercase() }
        fun col(name: String) = names.indexOf(name).takeIf { it >= 0 }
            ?: throw ProtocolException("LIST answered without a '$name' column (columns: $names)", statementId = result.statementId)
        val path = col("path")
        val name = names.indexOf("name")
        val size = names.indexOf("size")
        val modified = names.indexOf("modification_time")
        val out = ArrayList<VolumeEntry>()
        var data = result.initialData
        while (data != null) {
            for (row in data.dataArray.orEmpty()) {
                val p = row.getOrNull(path) ?: continue
                out += VolumeEntry(
                    path = p,
                    name = row.getOrNull(name) ?: p.trimEnd('/').substringAfterLast('/'),
                    size = row.getOrNull(size)?.toLongOrNull() ?: 0,
                    modificationTime = row.getOrNull(modified)?.toLongOrNull(),
                )
            }
            data = data.nextChunkIndex?.let { client.fetchResultData(result.statementId, it) }
        }
        return out
    }

    private suspend fun run(sql: String): StatementResult =
        session?.execute(sql, StatementParameters.NONE, STAGING_OPTIONS) ?: client.execute(sql, StatementParameters.NONE, STAGING_OPTIONS)

    /** Runs a staging statement and reads its one-row answer (operation, presigned URL, headers). */
    private suspend fun ticket(operation: String, sql: String): StagingTicket {
        val result = run(sql)
        val id = result.statementId
        val names = result.manifest.columns.map { it.name.lowercase() }
        val row = result.initialData?.dataArray?.singleOrNull()
            ?: throw ProtocolException("the answer to $operation holds no single row", statementId = id)
        fun cell(name: String): String? = names.indexOf(name.lowercase()).takeIf { it >= 0 }?.let { row.getOrNull(it) }
        val op = cell("operation")
        if (!op.equals(operation, ignoreCase = true)) throw ProtocolException("the server answered operation '$op' to a $operation", statementId = id)
        val url = cell("presignedUrl") ?: throw ProtocolException("the answer to $operation has no presignedUrl", statementId = id)
        if (!url.startsWith("https://", ignoreCase = true) && !url.startsWith("http://", ignoreCase = true)) {
            throw ProtocolException("the presigned URL of $operation is not http(s): ${redact(url)}", statementId = id)
        }
        return StagingTicket(operation, url, headers(cell("headers"), id), id)
    }

    private fun headers(text: String?, id: String): Map<String, String> {
        if (text.isNullOrBlank()) return emptyMap()
        val obj = runCatching { Json.parseToJsonElement(text) as JsonObject }.getOrElse {
            throw ProtocolException("the staging headers are not a JSON object", statementId = id)
        }
        return obj.mapValues { (k, v) -> (v as? JsonPrimitive)?.content ?: throw ProtocolException("staging header $k is not a string", statementId = id) }
    }

    override fun toString(): String = "Volumes(${client.config.baseUrl}, allowedLocalPaths=${options.allowedLocalPaths})"

    private companion object {
        /** The local name sent for stream sources and sinks (the server only echoes it). */
        const val STREAM = "__input_stream__"

        val STAGING_OPTIONS = ExecuteOptions(
            disposition = Disposition.INLINE,
            format = ResultFormat.JSON_ARRAY,
            compression = ResultCompression.NONE,
        )

        /** A Spark SQL string literal (backslash escapes). */
        fun literal(value: String): String = "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    }
}
