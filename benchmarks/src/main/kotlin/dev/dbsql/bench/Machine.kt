package dev.dbsql.bench

import java.io.File

/** The machine a run happened on, as the report prints it. */
object Machine {
    private fun read(path: String): List<String> = runCatching { File(path).readLines() }.getOrDefault(emptyList())

    fun cpu(): String = read("/proc/cpuinfo").firstOrNull { it.startsWith("model name") }?.substringAfter(':')?.trim() ?: System.getProperty("os.arch")

    fun cores(): Int = Runtime.getRuntime().availableProcessors()

    fun memory(): String = read("/proc/meminfo").firstOrNull { it.startsWith("MemTotal:") }
        ?.substringAfter(':')?.trim()?.substringBefore(' ')?.toLongOrNull()?.let { "%.1f GiB".format(it / 1024.0 / 1024.0) } ?: "?"

    fun jdk(): String = "${System.getProperty("java.vm.name")} ${System.getProperty("java.runtime.version")} (${System.getProperty("java.vendor")})"

    fun os(): String {
        val pretty = read("/etc/os-release").firstOrNull { it.startsWith("PRETTY_NAME=") }?.substringAfter('=')?.trim('"')
        return listOfNotNull(pretty, "${System.getProperty("os.name")} ${System.getProperty("os.version")} ${System.getProperty("os.arch")}").joinToString(", ")
    }

    /** 1 / 5 / 15 minute load averages. */
    fun load(): String = read("/proc/loadavg").firstOrNull()?.split(' ')?.take(3)?.joinToString(" / ") ?: "?"

    /** The 1-minute load average. */
    fun load1(): Double = read("/proc/loadavg").firstOrNull()?.substringBefore(' ')?.toDoubleOrNull() ?: 0.0
}
