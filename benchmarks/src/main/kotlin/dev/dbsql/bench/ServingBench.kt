
package dev.dbsql.bench

import dev.dbsql.core.DatabricksSqlClient
import dev.dbsql.core.StatementResult
import java.nio.file.Files
import java.nio.file.Path

/**
 * "The local warehouse is never the bottleneck": the same client (JDK HttpClient, same parallelism)
 * downloads the main result's chunk bytes from the warehouse's signed links, from the JDK's plain
 * HTTP server and from a sendfile responder serving the very same bytes from the page cache
 * (see [CeilingServer], in its own JVM).
 */
class ServingBench(
    private val plan: Plan,
    private val client: DatabricksSqlClient,
    private val raw: RawHttp,
    private val workDir: Path,
    private val logDir: Path,
) {
    fun run(result: StatementResult): List<Measure> {
        val dir = workDir.resolve("ceiling")
        dir.toFile().deleteRecursively()
        Files.createDirectories(dir)
        val links = links(client, result)
        links.forEachIndexed { i, l ->
            val b = raw.http.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI(l.url)).apply { l.httpHeaders.forEach { (k, v) -> header(k, v) } }.build(),
                java.net.http.HttpResponse.BodyHandlers.ofFile(dir.resolve("$i.bin")),
            )
            check(b.statusCode() == 200) { "chunk $i answered ${b.statusCode()}" }
        }
        val mib = result.arrowBytes / MIB
        val n = plan.concurrency
        ChildJvm("ceiling-server", "dev.dbsql.bench.CeilingServer", listOf(dir.toString()), listOf("-Xmx256m"), logDir).use { server ->
            val (jdkPort, rawPort) = server.awaitLine(60_000) { it.startsWith("PORTS ") }.split(' ').drop(1).map { it.toInt() }
            fun files(port: Int) = links.indices.map { Download("http://127.0.0.1:$port/c/$it") }
            // each variant prepares its URLs untimed (fresh signed links for the warehouse), then downloads timed
            val variants = listOf(
                Triple("serve-warehouse", "local warehouse, signed links (ktor CIO server, spill files)") { links(client, result).downloads() },
                Triple("serve-jdk", "JDK `HttpServer`, same bytes from the page cache") { files(jdkPort) },
                Triple("serve-sendfile", "bare HTTP/1.1 + `FileChannel.transferTo` (sendfile), same bytes") { files(rawPort) },
            )
            val values = variants.associate { it.first to ArrayList<Double>() }
            for (round in -plan.warmups until plan.runs) {
                for ((id, _, prepare) in variants) {
                    val d = prepare()
                    val s = seconds { raw.downloadAll(d, n) }
                    if (round >= 0) values[id]!! += mib / s
                    Log.info("  serving ${if (round < 0) "warm-up" else "run ${round + 1}"} $id: ${fmt(mib / s)} MiB/s")
                }
            }
            dir.toFile().deleteRecursively()
            return variants.map { (id, label, _) -> Measure(id, "$label, $n parallel GETs (JDK HttpClient)", "MiB/s", values[id]!!, higherIsBetter = true) }
        }
    }
}
