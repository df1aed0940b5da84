package dev.dbsql.cli

import java.io.FilterOutputStream
import java.io.IOException
import java.io.OutputStream
import java.nio.file.AccessDeniedException
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.StandardCopyOption

/** Standard output went away (a closed pipe, e.g. `| head`): the tool stops and exits 141. */
class OutputClosedException(cause: IOException) : IOException("standard output is closed", cause)

/** Standard output whose write failures (EPIPE) surface as [OutputClosedException]. */
class StdoutStream(out: OutputStream) : FilterOutputStream(out) {
    override fun write(b: Int) = guard { out.write(b) }
    override fun write(b: ByteArray, off: Int, len: Int) = guard { out.write(b, off, len) }
    override fun flush() = guard { out.flush() }

    private inline fun guard(block: () -> Unit) {
        try {
            block()
        } catch (e: OutputClosedException) {
            throw e
        } catch (e: IOException) {
            throw OutputClosedException(e)
        }
    }
}

/**
 * `--output FILE`: written to a temporary file next to it and moved onto it atomically by [commit];
 * [abandon] deletes the temporary file, so a failed or interrupted run leaves nothing behind.
 */
class AtomicFileOutput private constructor(val target: Path, private val temp: Path) : AutoCloseable {
    val stream: OutputStream = Files.newOutputStream(temp).buffered(1 shl 16)
    var isCommitted: Boolean = false
        private set

    fun commit() {
        stream.close()
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING)
        } catch (e: IOException) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING)
        }
        isCommitted = true
    }

    /** Deletes the temporary file unless committed. */
    override fun close() {
        if (isCommitted) return
        runCatching { stream.close() }
        runCatching { Files.deleteIfExists(temp) }
    }

    companion object {
        /** Checks [target] and creates the temporary file; a [UsageException] says what is wrong with the path. */
        fun open(target: Path): AtomicFileOutput {
            checkTarget(target)
            val dir = target.toAbsolutePath().parent
            val temp = try {
                Files.createTempFile(dir, ".${target.fileName}.", ".part")
            } catch (e: AccessDeniedException) {
                throw UsageException("--output $target: cannot create a file in $dir (permission denied)")
            } catch (e: IOException) {
                throw UsageException("--output $target: cannot create a file in $dir (${e.message})")
            }
            return AtomicFileOutput(target, temp)
        }

        /** What is wrong with [target] as an output file, as a [UsageException]; nothing when it is usable. */
        fun checkTarget(target: Path) {
            val absolute = target.toAbsolutePath()
            val dir = absolute.parent ?: throw UsageException("--output $target is not a file path")
            when {
                Files.isDirectory(absolute) -> throw UsageException("--output $target is a directory; give a file name")
                !Files.exists(dir) -> throw UsageException("--output $target: directory $dir does not exist")
                !Files.isDirectory(dir) -> throw UsageException("--output $target: $dir is not a directory")
                !Files.isWritable(dir) -> throw UsageException("--output $target: directory $dir is not writable")
                Files.exists(absolute) && !Files.isRegularFile(absolute) -> throw UsageException("--output $target exists and is not a regular file")
            }
        }
    }
}
