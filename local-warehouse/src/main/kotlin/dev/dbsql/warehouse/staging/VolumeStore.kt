package dev.dbsql.warehouse.staging

import dev.dbsql.warehouse.engine.SqlFailure
import dev.dbsql.warehouse.engine.SqlFailures
import java.io.IOException
import java.nio.file.Files
import java.nio.file.LinkOption
import java.nio.file.Path
import java.util.Comparator

/**
 * The directory behind `/Volumes`: maps volume paths to files under [root] and refuses any path
 * that would leave it (`..`, `.`, empty or backslash segments, symbolic links pointing out).
 * Owns [root] when [ownsRoot] (a temporary directory): [close] deletes it. Thread-safe.
 */
internal class VolumeStore private constructor(val root: Path, private val ownsRoot: Boolean, val settings: VolumeSettings) : AutoCloseable {

    /** The file behind [volumePath] (`/Volumes/c/s/v/dir/file`); [dirOk] allows naming a volume or directory. */
    fun resolve(volumePath: String, dirOk: Boolean = false): Path {
        if (!volumePath.startsWith(PREFIX)) throw invalid(volumePath, "a volume path starts with $PREFIX")
        val rest = volumePath.removePrefix(PREFIX).let { if (dirOk) it.trimEnd('/') else it }
        val segments = rest.split('/')
        val minimum = if (dirOk) 3 else 4
        if (segments.size < minimum) throw invalid(volumePath, "it must name /Volumes/<catalog>/<schema>/<volume>${if (dirOk) "" else "/<file>"}")
        for (s in segments) {
            if (s.isEmpty() || s == "." || s == ".." || s.any { it == '\\' || it == '\u0000' }) {
                throw invalid(volumePath, "path segments must not be empty, '.', '..' or contain a backslash")
            }
        }
        val target = root.resolve(segments.joinToString("/")).normalize()
        if (!target.startsWith(root)) throw invalid(volumePath, "it leaves the volume")
        // A symbolic link under the root must not lead out of it.
        var existing: Path? = target
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) existing = existing.parent
        if (existing != null && Files.exists(existing) && !existing.toRealPath().startsWith(root)) {
            throw invalid(volumePath, "it leaves the volume")
        }
        return target
    }

    /** Entries directly under [volumePath] (a directory), sorted by name, or the file itself. */
    fun list(volumePath: String): List<Entry> {
        val dir = resolve(volumePath, dirOk = true)
        if (!Files.exists(dir)) throw notFound(volumePath)
        if (Files.isRegularFile(dir)) return listOf(entry(volumePath.trimEnd('/'), dir))
        val base = volumePath.trimEnd('/')
        Files.newDirectoryStream(dir).use { stream ->
            val out = ArrayList<Entry>()
            for (p in stream) {
                val name = p.fileName.toString()
                if (name.startsWith(TEMP_PREFIX)) continue
                if (out.size >= settings.maxListEntries) {
                    throw SqlFailures.of("LIST_TOO_LARGE", "54000", "$volumePath has more than ${settings.maxListEntries} entries.")
                }
                out += entry("$base/$name", p)
            }
            return out.sortedBy { it.name }
        }
    }

    private fun entry(path: String, file: Path): Entry {
        val dir = Files.isDirectory(file)
        return Entry(
            path = if (dir) "$path/" else path,
            name = file.fileName.toString() + if (dir) "/" else "",
            size = if (dir) 0 else Files.size(file),
            modifiedMillis = Files.getLastModifiedTime(file).toMillis(),
        )
    }

    data class Entry(val path: String, val name: String, val size: Long, val modifiedMillis: Long)

    override fun close() {
        if (!ownsRoot) return
        try {
            Files.walk(root).use { s -> s.sorted(Comparator.reverseOrder()).forEach { Files.deleteIfExists(it) } }
        } catch (_: IOException) {
            // best effort: a temporary directory
        }
    }

    companion object {
        const val PREFIX = "/Volumes/"

        /** Name prefix of uploads in progress (never listed, never a volume file). */
        const val TEMP_PREFIX = ".upload-"

        fun open(settings: VolumeSettings): VolumeStore {
            val given = settings.root
            val root = given ?: Files.createTempDirectory("local-warehouse-volumes")
            Files.createDirectories(root)
            return VolumeStore(root.toRealPath(), given == null, settings)
        }

        fun invalid(path: String, why: String): SqlFailure =
            SqlFailures.of("INVALID_VOLUME_PATH", "42K05", "Invalid volume path '$path': $why.")

        fun notFound(path: String): SqlFailure =
            SqlFailures.of("FILE_NOT_FOUND", "42K03", "The file or directory $path does not exist.")
    }
}
