package dev.dbsql.samples

import dev.dbsql.core.DatabricksSqlClient
import dev.dbsql.core.ExecuteOptions
import dev.dbsql.core.StatementHandle
import dev.dbsql.flow.ResultOptions
import dev.dbsql.flow.nextResultChunk
import dev.dbsql.flow.resumeBatches
import dev.dbsql.flow.withResultProgress
import java.nio.file.Files
import java.nio.file.Path
import kotlin.io.path.readText
import kotlin.io.path.writeText

/**
 * Submits a statement, saves its handle to a file and exits; a later run, in another process,
 * resumes it from that file and reads the result, recording its progress in the file as it goes
 * (an interrupted reader continues where it stopped):
 * ```
 * ResumeSampleKt submit handle.json
 * ResumeSampleKt resume handle.json
 * ```
 * Both runs must reach the same warehouse: a workspace, or a standalone local warehouse
 * (`java -jar local-warehouse.jar`) whose URL, token and ID are exported as `DATABRICKS_HOST`,
 * `DATABRICKS_TOKEN` and `DATABRICKS_WAREHOUSE_ID`. Without arguments both steps run here.
 */
suspend fun main(args: Array<String>) {
    SampleTarget.open().use { target ->
        DatabricksSqlClient(target.config).use { client ->
            when (args.firstOrNull()) {
                "submit" -> submit(client, Path.of(args[1]))
                "resume" -> resume(client, Path.of(args[1]))
                else -> Files.createTempFile("statement-", ".json").let { file ->
                    submit(client, file)
                    resume(client, file)
                    Files.delete(file)
                }
            }
            if (target.isEmbedded && args.isNotEmpty()) {
                System.err.println("note: the embedded warehouse stops with this process; see the sample's documentation")
            }
        }
    }
}

private suspend fun submit(client: DatabricksSqlClient, file: Path) {
    val handle = client.submit("SELECT id, id % 10 AS digit FROM range(500000)", options = ExecuteOptions(tag = "resume-sample"))
    file.writeText(handle.toJson())
    println("submitted ${handle.statementId}; handle saved to $file")
}

private suspend fun resume(client: DatabricksSqlClient, file: Path) {
    var handle = StatementHandle.fromJson(file.readText())
    println("resuming ${handle.statementId} (${client.status(handle).state}) at chunk ${handle.nextResultChunk}")
    var rows = 0L
    val options = ResultOptions(onProgress = { progress ->
        handle = handle.withResultProgress(progress)
        file.writeText(handle.toJson())
    })
    client.resumeBatches(handle, options).collect { batch -> batch.use { rows += it.rowCount } }
    println("read $rows rows")
    client.close(handle)
}
