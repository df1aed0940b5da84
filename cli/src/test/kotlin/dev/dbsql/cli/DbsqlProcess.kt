package dev.dbsql.cli

import java.io.File
import java.util.concurrent.TimeUnit

/** Starts `dbsql` (this module's classes) as a separate JVM process in [dir], with [env] as its only DATABRICKS_* settings. */
internal object DbsqlProcess {
    fun builder(dir: File, env: Map<String, String>, vararg args: String): ProcessBuilder {
        val java = File(System.getProperty("java.home"), "bin/java").path
        val command = listOf(java, "--add-opens=java.base/java.nio=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "dev.dbsql.cli.MainKt", *args)
        return ProcessBuilder(command).directory(dir).apply {
            environment().apply {
                keys.removeIf { it.startsWith("DATABRICKS_") }
                put("HOME", dir.path)
                putAll(env)
            }
        }
    }

    /** Runs to the end with [stdin] as standard input; (exit code, stdout, stderr). */
    fun run(dir: File, env: Map<String, String>, vararg args: String, stdin: String? = null): Triple<Int, String, String> {
        val out = File.createTempFile("out", ".txt", dir)
        val err = File.createTempFile("err", ".txt", dir)
        val b = builder(dir, env, *args).redirectOutput(out).redirectError(err)
        if (stdin == null) b.redirectInput(File("/dev/null"))
        val p = b.start()
        if (stdin != null) p.outputStream.use { it.write(stdin.toByteArray()) }
        check(p.waitFor(120, TimeUnit.SECONDS)) { p.destroyForcibly(); "dbsql did not finish" }
        return Triple(p.exitValue(), out.readText(), err.readText())
    }
}
