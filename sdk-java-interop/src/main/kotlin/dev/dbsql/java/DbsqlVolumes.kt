package dev.dbsql.java

import dev.dbsql.core.volumes.VolumeEntry
import dev.dbsql.core.volumes.VolumeOptions
import dev.dbsql.core.volumes.VolumeProgress
import dev.dbsql.core.volumes.Volumes
import dev.dbsql.java.internal.Bridge
import java.io.InputStream
import java.io.OutputStream
import java.nio.file.Path
import java.time.Duration
import java.util.concurrent.CompletableFuture
import kotlin.time.toKotlinDuration

/**
 * The Java face of Unity Catalog volume files (staging operations), from [DbsqlClient.volumes]:
 * each call returns a [CompletableFuture] and streams the file through one buffer (no file is
 * held in memory); local files are read or written only under the allowed paths of its
 * [DbsqlVolumeOptions] (none by default: the future fails with `LocalPathNotAllowedException`).
 * Presigned URLs are used without the workspace `Authorization` header and never appear in
 * messages. A wrapper of the core `Volumes`; see it for the details.
 *
 * Thread-safe. Futures complete like those of [DbsqlClient]; `get()` wraps failures in
 * `ExecutionException`. Cancelling a future stops its statement or transfer; a cancelled GET leaves
 * no local file. Streams passed in are not closed.
 */
public class DbsqlVolumes internal constructor(private val bridge: Bridge, private val volumes: Volumes) {

    /** Uploads the local [file] to [volumePath] (`PUT … INTO … [OVERWRITE]`). */
    @JvmOverloads
    public fun put(file: Path, volumePath: String, overwrite: Boolean = false, progress: VolumeProgress = VolumeProgress.NONE): CompletableFuture<Void?> =
        bridge.run { volumes.put(file, volumePath, overwrite, progress) }

    /** Uploads what [source] yields; [length] is its size in bytes, or -1 when unknown. [source] is not closed. */
    @JvmOverloads
    public fun put(
        source: InputStream,
        length: Long,
        volumePath: String,
        overwrite: Boolean = false,
        progress: VolumeProgress = VolumeProgress.NONE,
    ): CompletableFuture<Void?> = bridge.run { volumes.put(source, volumePath, length.takeIf { it >= 0 }, overwrite, progress) }

    /** Downloads [volumePath] into the local [file], replacing it once complete. */
    @JvmOverloads
    public fun get(volumePath: String, file: Path, progress: VolumeProgress = VolumeProgress.NONE): CompletableFuture<Void?> =
        bridge.run { volumes.get(volumePath, file, progress) }

    /** Downloads [volumePath] into [sink] (not closed). */
    @JvmOverloads
    public fun get(volumePath: String, sink: OutputStream, progress: VolumeProgress = VolumeProgress.NONE): CompletableFuture<Void?> =
        bridge.run { volumes.get(volumePath, sink, progress) }

    /** Deletes the file at [volumePath]. */
    public fun remove(volumePath: String): CompletableFuture<Void?> = bridge.run { volumes.remove(volumePath) }

    /** The entries of the directory [volumePath]. */
    public fun list(volumePath: String): CompletableFuture<List<VolumeEntry>> = bridge.call { volumes.list(volumePath) }

    override fun toString(): String = volumes.toString()
}

/**
 * Settings of [DbsqlVolumes], with Java types: immutable, each `with…` returns a copy.
 * See the core `VolumeOptions` for what each setting means.
 */
public class DbsqlVolumeOptions private constructor(internal val options: VolumeOptions) {
    /** The local directories (or files) transfers may read or write; empty by default. */
    public fun withAllowedLocalPaths(paths: List<Path>): DbsqlVolumeOptions = DbsqlVolumeOptions(options.copy(allowedLocalPaths = paths.toList()))

    /** The size of the one transfer buffer (1 KiB..16 MiB; 64 KiB by default). */
    public fun withBufferBytes(bytes: Int): DbsqlVolumeOptions = DbsqlVolumeOptions(options.copy(bufferBytes = bytes))

    /** The largest file one transfer moves (5 GiB by default). */
    public fun withMaxTransferBytes(bytes: Long): DbsqlVolumeOptions = DbsqlVolumeOptions(options.copy(maxTransferBytes = bytes))

    /** A transfer that moves no byte for this long fails (60 s by default). */
    public fun withIdleTimeout(timeout: Duration): DbsqlVolumeOptions = DbsqlVolumeOptions(options.copy(idleTimeout = timeout.toKotlinDuration()))

    /** One whole transfer may take at most this long (2 h by default). */
    public fun withTransferTimeout(timeout: Duration): DbsqlVolumeOptions = DbsqlVolumeOptions(options.copy(transferTimeout = timeout.toKotlinDuration()))

    /** The allowed local paths. */
    public fun allowedLocalPaths(): List<Path> = options.allowedLocalPaths

    override fun toString(): String = "DbsqlVolumeOptions($options)"

    public companion object {
        /** The defaults: no local path allowed. */
        @JvmField
        public val DEFAULT: DbsqlVolumeOptions = DbsqlVolumeOptions(VolumeOptions.DEFAULT)
    }
}
