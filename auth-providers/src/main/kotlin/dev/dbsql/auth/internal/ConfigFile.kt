package dev.dbsql.auth.internal

import dev.dbsql.auth.ConfigFileException
import java.io.IOException
import java.nio.file.Files
import java.nio.file.NoSuchFileException
import java.nio.file.Path

/**
 * A parsed `~/.databrickscfg`: INI sections of `key = value` (or `key: value`) lines; full-line
 * comments start with `#` or `;`; keys are case-insensitive, section names are not. Errors name the
 * file and line but never echo a line (it may hold a secret).
 */
internal class ConfigFile(val path: Path, private val sections: Map<String, Map<String, String>>) {
    val profileNames: List<String> get() = sections.keys.filter { it != SETTINGS }

    /** `[__settings__] default_profile`, else `DEFAULT`. */
    fun defaultProfile(): String = sections[SETTINGS]?.get("default_profile")?.takeIf { it.isNotBlank() } ?: "DEFAULT"

    fun profile(name: String): Map<String, String> = sections[name]?.takeIf { name != SETTINGS }
        ?: throw ConfigFileException(
            "profile '$name' not found in $path" +
                if (profileNames.isEmpty()) " (the file has no profiles)" else " (profiles: ${profileNames.joinToString(", ")})",
        )

    companion object {
        const val SETTINGS: String = "__settings__"

        fun read(path: Path): ConfigFile {
            val lines = try {
                Files.readAllLines(path)
            } catch (e: NoSuchFileException) {
                throw ConfigFileException("config file $path does not exist", e)
            } catch (e: IOException) {
                throw ConfigFileException("cannot read config file $path: ${e.javaClass.simpleName}", e)
            }
            return ConfigFile(path, parse(path, lines))
        }

        fun parse(path: Path, lines: List<String>): Map<String, Map<String, String>> {
            val sections = LinkedHashMap<String, MutableMap<String, String>>()
            var current: MutableMap<String, String>? = null
            lines.forEachIndexed { index, raw ->
                val line = raw.trim()
                val where = "$path line ${index + 1}"
                when {
                    line.isEmpty() || line.startsWith("#") || line.startsWith(";") -> Unit
                    line.startsWith("[") -> {
                        if (!line.endsWith("]")) throw ConfigFileException("$where: a section header must end with ']'")
                        val name = line.substring(1, line.length - 1).trim()
                        if (name.isEmpty()) throw ConfigFileException("$where: empty section name")
                        if (name in sections) throw ConfigFileException("$where: duplicate section [$name]")
                        current = LinkedHashMap<String, String>().also { sections[name] = it }
                    }
                    else -> {
                        val cut = listOf(line.indexOf('='), line.indexOf(':')).filter { it >= 0 }.minOrNull()
                            ?: throw ConfigFileException("$where: expected 'key = value'")
                        val key = line.substring(0, cut).trim().lowercase()
                        if (key.isEmpty()) throw ConfigFileException("$where: a value without a key")
                        val section = current ?: throw ConfigFileException("$where: '$key' appears before any [section]")
                        section[key] = line.substring(cut + 1).trim()
                    }
                }
            }
            return sections
        }
    }
}
