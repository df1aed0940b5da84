package dev.dbsql.bench

import jdk.jfr.Configuration
import jdk.jfr.Recording
import jdk.jfr.consumer.RecordedEvent
import jdk.jfr.consumer.RecordingFile
import java.nio.file.Files
import java.nio.file.Path
import java.time.Duration

/**
 * Where the time goes in one extra, unmeasured pass: a JFR recording (the JDK's `profile`
 * settings, method samples every 10 ms) of this process around a block, summarised as the hottest
 * methods (top frame), the hottest project methods (nearest `dev.dbsql` frame) and the busiest
 * threads. The `.jfr` file stays in the run's log directory for `jfr print` / JMC.
 */
class Profiler(private val dir: Path) {
    fun profile(name: String, block: () -> Unit): String {
        Files.createDirectories(dir)
        val file = dir.resolve("profile-" + name.replace(Regex("[^A-Za-z0-9]+"), "-").trim('-').lowercase() + ".jfr")
        Recording(Configuration.getConfiguration("profile")).use { r ->
            r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10))
            r.start()
            try {
                block()
            } finally {
                r.stop()
                r.dump(file)
            }
        }
        return summarise(file)
    }

    private fun summarise(file: Path): String {
        val samples = RecordingFile.readAllEvents(file).filter { it.eventType.name == "jdk.ExecutionSample" && it.stackTrace != null }
        val where = "recording `${dir.parent?.relativize(file) ?: file}`"
        if (samples.isEmpty()) return "no CPU samples (the pass was waiting, not computing); $where"
        val n = samples.size
        fun top(key: (RecordedEvent) -> String?, k: Int) = samples.mapNotNull(key).groupingBy { it }.eachCount()
            .entries.sortedByDescending { it.value }.take(k)
            .joinToString(", ") { "`${it.key}` ${100 * it.value / n} %" }
        val self = top({ e -> e.stackTrace.frames.firstOrNull()?.let { "${it.method.type.name.substringAfterLast('.')}.${it.method.name}" } }, 6)
        val project = top({ e ->
            e.stackTrace.frames.firstOrNull { it.method.type.name.startsWith("dev.dbsql.") && !it.method.type.name.startsWith("dev.dbsql.bench.") }
                ?.let { "${it.method.type.name.removePrefix("dev.dbsql.")}.${it.method.name}" }
        }, 5)
        val threads = top({ e -> e.getThread("sampledThread")?.javaName?.replace(Regex("\\d+"), "#") }, 4)
        return "$n CPU samples. Hottest methods: $self. Nearest SDK frames: ${project.ifEmpty { "none" }}. " +
            "Busiest threads: $threads; $where"
    }
}
