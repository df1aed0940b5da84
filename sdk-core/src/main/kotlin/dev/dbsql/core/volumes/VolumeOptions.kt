package dev.dbsql.core.volumes

import dev.dbsql.core.ConfigurationException
import java.nio.file.Path
import kotlin.time.Duration
import kotlin.time.Duration.Companion.hours
import kotlin.time.Duration.Companion.seconds

/**
 * Settings of [Volumes]. Immutable.
 *
 * @property allowedLocalPaths the local directories (or files) that [Volumes] may read from (PUT) or
 *   write to (GET). Empty by default: every operation on a local file is refused with
 *   [LocalPathNotAllowedException]. Paths are canonicalised (absolute, `..` and symbolic links
 *   resolved) before they are compared; a local path containing a `..` segment is always refused.
 * @property bufferBytes the one transfer buffer each operation holds (the file itself is never in memory).
 * @property maxTransferBytes the largest file an operation moves (Databricks caps volume uploads at 5 GiB).
 * @property idleTimeout a transfer that moves no byte for this long fails.
 * @property transferTimeout one whole transfer (upload or download) may take at most this long.
 */
public data class VolumeOptions(
    val allowedLocalPaths: List<Path> = emptyList(),
    val bufferBytes: Int = 64 * 1024,
    val maxTransferBytes: Long = 5L shl 30,
    val idleTimeout: Duration = 60.seconds,
    val transferTimeout: Duration = 2.hours,
) {
    init {
        if (bufferBytes !in 1024..(16 shl 20)) throw ConfigurationException("bufferBytes", "must be in 1 KiB..16 MiB, was $bufferBytes")
        if (maxTransferBytes <= 0) throw ConfigurationException("maxTransferBytes", "must be positive, was $maxTransferBytes")
        if (!idleTimeout.isPositive()) throw ConfigurationException("idleTimeout", "must be positive, was $idleTimeout")
        if (!transferTimeout.isPositive()) throw ConfigurationException("transferTimeout", "must be positive, was $transferTimeout")
    }

    public companion object {
        /** The defaults: no local path allowed. */
        @JvmField
        public val DEFAULT: VolumeOptions = VolumeOptions()
    }
}

/**
 * Progress of one transfer, called on the thread that moves the bytes after each buffer (keep it
 * short and non-blocking). [totalBytes] is null when the size is not known in advance.
 */
public fun interface VolumeProgress {
    /** [bytesTransferred] bytes of [totalBytes] (null: unknown) have been sent or received so far. */
    public fun onProgress(bytesTransferred: Long, totalBytes: Long?)

    public companion object {
        /** Reports nothing. */
        @JvmField
        public val NONE: VolumeProgress = VolumeProgress { _, _ -> }
    }
}

/**
 * One entry of a `LIST` of a volume directory.
 *
 * @property path the entry's full volume path (`/Volumes/c/s/v/dir/file.csv`; a directory ends with `/`).
 * @property name the last segment of [path].
 * @property size bytes (0 for directories).
 * @property modificationTime epoch milliseconds of the last change, when the server reports it.
 */
public data class VolumeEntry(val path: String, val name: String, val size: Long, val modificationTime: Long?) {
    /** True for a directory ([path] ends with `/`). */
    val isDirectory: Boolean get() = path.endsWith("/")
}
