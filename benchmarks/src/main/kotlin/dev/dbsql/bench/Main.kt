@file:JvmName("Main")

package dev.dbsql.bench

import java.nio.file.Files
import java.nio.file.Path
import kotlin.system.exitProcess

private const val USAGE = """Usage: ./bench [--quick] [--out FILE] [--wait-quiet]
  (no option)    full run: ~1 GiB / 8 GiB results, writes docs/benchmarks.md
  --quick        tiny sizes, checks that every measure works; writes benchmarks/target/benchmarks-quick.md
  --out FILE     write the report here instead
  --wait-quiet   wait (up to 30 min) until the 1-minute load average is below 1.5 before starting"""

/** What one invocation asked for. */
data class BenchOptions(val quick: Boolean = false, val out: Path? = null, val waitQuiet: Boolean = false)

/** What a run produced. */
class BenchRun(val outcome: SuiteOutcome, val goals: List<Goal>, val report: Path)

/** Runs the whole suite and writes the report; see [USAGE]. */
fun main(args: Array<String>) {
    val options = try {
        parse(args) ?: run { println(USAGE); return }
    } catch (e: IllegalArgumentException) {
        System.err.println("error: ${e.message}\n\n$USAGE")
        exitProcess(2)
    }
    val run = runBenchmarks(options)
    println("report: ${run.report}")
    run.goals.forEach { println("${it.id} ${it.what}: ${it.measured} [target ${it.target}] ${when (it.pass) { true -> "MET"; false -> "NOT MET"; null -> "-" }}") }
    exitProcess(if (run.outcome.errors.isEmpty()) 0 else 1)
}

internal fun parse(args: Array<String>): BenchOptions? {
    var o = BenchOptions()
    var i = 0
    while (i < args.size) {
        when (args[i]) {
            "--quick" -> o = o.copy(quick = true)
            "--out" -> o = o.copy(out = Path.of(args.getOrNull(++i) ?: throw IllegalArgumentException("--out needs a file")))
            "--wait-quiet" -> o = o.copy(waitQuiet = true)
            "--help", "-h" -> return null
            else -> throw IllegalArgumentException("unknown option ${args[i]}")
        }
        i++
    }
    return o
}

/** The repository root (`-Dbench.root`, else found from the working directory) and this module's directory. */
internal fun layout(): Pair<Path, Path> {
    System.getProperty("bench.root")?.let { Path.of(it).toAbsolutePath() }?.let { return it to it.resolve("benchmarks") }
    var dir: Path? = Path.of("").toAbsolutePath()
    while (dir != null) {
        if (Files.isRegularFile(dir.resolve("benchmarks/pom.xml"))) return dir to dir.resolve("benchmarks")
        dir = dir.parent
    }
    error("run from inside the dbsql-kotlin repository (no benchmarks/pom.xml above ${Path.of("").toAbsolutePath()})")
}

fun runBenchmarks(options: BenchOptions): BenchRun {
    val (root, module) = layout()
    val plan = if (options.quick) Plan.quick else Plan.full
    val out = options.out ?: if (options.quick) module.resolve("target/benchmarks-quick.md") else root.resolve("docs/benchmarks.md")
    if (options.waitQuiet) waitForQuiet()
    val started = Report.now()
    val loadBefore = Machine.load()
    val t0 = System.nanoTime()
    val command = System.getProperty("bench.command") ?: ("java dev.dbsql.bench.Main" + if (options.quick) " --quick" else "")
    lateinit var suite: Suite
    fun write(): List<Goal> {
        val minutes = (System.nanoTime() - t0) / 6e10
        val goals = Goals(suite.outcome.measures, plan).evaluate()
        val text = Report(plan, suite.outcome, goals, command, started, minutes, loadBefore, Machine.load()).render()
        Files.createDirectories(out.toAbsolutePath().parent)
        Files.writeString(out, text)
        Log.info("report written to $out")
        return goals
    }
    suite = Suite(plan, module.resolve(if (options.quick) "target/bench-quick" else "target/bench-work")) { write() }
    suite.run()
    return BenchRun(suite.outcome, write(), out)
}

private fun waitForQuiet() {
    val end = System.currentTimeMillis() + 30 * 60_000
    while (Machine.load1() >= 1.5 && System.currentTimeMillis() < end) {
        Log.info("load average ${Machine.load()}: waiting for a quiet machine (< 1.5)")
        Thread.sleep(60_000)
    }
}
