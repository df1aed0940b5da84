package dev.dbsql.core.volumes.internal

import dev.dbsql.core.volumes.LocalPathNotAllowedException
import java.nio.file.Files
import java.nio.file.LinkOption
import java.nio.file.Path

/**
 * The allowed-list check of local paths: a path is allowed when its canonical form (absolute,
 * normalised, symbolic links of its existing part resolved) lies under the canonical form of an
 * allowed path. A path with a `..` segment is refused outright, as the official drivers do.
 * Blocking (file system calls): call it on an I/O thread.
 */
internal class LocalPaths(allowed: List<Path>) {
    // canonicalised on first use (file system calls), which is always on an I/O thread
    private val roots: List<Path> by lazy { allowed.map { canonical(it) } }

    /** [path] canonicalised, or [LocalPathNotAllowedException]. */
    fun check(path: Path): Path {
        val shown = path.toString()
        if (path.any { it.toString() == ".." }) throw refused(shown, "it contains a '..' segment")
        if (roots.isEmpty()) throw refused(shown, "no local path is allowed (VolumeOptions.allowedLocalPaths is empty)")
        val c = canonical(path)
        if (roots.none { c.startsWith(it) }) throw refused(shown, "it is outside VolumeOptions.allowedLocalPaths")
        return c
    }

    private fun refused(path: String, why: String) = LocalPathNotAllowedException("local path $path is not allowed: $why", path)

    companion object {
        /** Absolute and normalised, with the symbolic links of its longest existing prefix resolved. */
        fun canonical(path: Path): Path {
            val abs = path.toAbsolutePath().normalize()
            var existing: Path? = abs
            while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) existing = existing.parent
            if (existing == null) return abs
            // a dangling link resolves no further than itself
            val real = runCatching { existing.toRealPath() }.getOrElse { return abs }
            return real.resolve(existing.relativize(abs)).normalize()
        }
    }
}
