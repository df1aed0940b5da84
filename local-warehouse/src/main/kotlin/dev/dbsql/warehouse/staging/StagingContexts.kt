package dev.dbsql.warehouse.staging

import dev.dbsql.warehouse.engine.EngineContext
import dev.dbsql.warehouse.engine.RunOptions
import dev.dbsql.warehouse.engine.SqlFailures
import dev.dbsql.warehouse.engine.SqlParameter
import dev.dbsql.warehouse.engine.StoredResult
import dev.dbsql.warehouse.staging.StagingSql.literal
import dev.dbsql.warehouse.statements.ContextOpener
import java.nio.file.Files

/**
 * Staging statements in front of the SQL engine: PUT / GET / REMOVE answer a one-row result
 * (`operation`, `presignedUrl`, `headers` as a JSON object, `localFile`) like a real warehouse,
 * after checking what can be checked now (the volume path; an existing file without OVERWRITE;
 * a missing file to GET or REMOVE); LIST answers one row per entry (`path`, `name`, `size`,
 * `modification_time` in epoch milliseconds). The rows are produced by the engine itself, so
 * every format and disposition works. Other statements pass through unchanged.
 */
internal class StagingContexts(private val delegate: ContextOpener, private val store: VolumeStore, private val urls: StagingUrls) : ContextOpener {

    override fun open(catalog: String?, schema: String?, conf: Map<String, String>): EngineContext =
        Wrapped(delegate.open(catalog, schema, conf))

    private inner class Wrapped(private val inner: EngineContext) : EngineContext by inner {
        override fun run(sql: String, params: List<SqlParameter>, options: RunOptions): StoredResult {
            val command = StagingSql.parse(sql) ?: return inner.run(sql, params, options)
            return inner.run(rewrite(command), emptyList(), options)
        }
    }

    private fun rewrite(command: StagingCommand): String = when (command) {
        is StagingCommand.Put -> {
            val file = store.resolve(command.volumePath)
            if (!command.overwrite && Files.exists(file)) {
                throw SqlFailures.of(
                    "FILE_ALREADY_EXISTS", "42K04",
                    "${command.volumePath} already exists. Add OVERWRITE to replace it.",
                )
            }
            transfer("PUT", urls.issue(StagingOp.PUT, command.volumePath, command.overwrite), command.local)
        }
        is StagingCommand.Get -> {
            val file = store.resolve(command.volumePath)
            if (!Files.isRegularFile(file)) throw VolumeStore.notFound(command.volumePath)
            transfer("GET", urls.issue(StagingOp.GET, command.volumePath, false), command.local)
        }
        is StagingCommand.Remove -> {
            val file = store.resolve(command.volumePath)
            if (!Files.isRegularFile(file)) throw VolumeStore.notFound(command.volumePath)
            transfer("REMOVE", urls.issue(StagingOp.REMOVE, command.volumePath, false), null)
        }
        is StagingCommand.List -> {
            val entries = store.list(command.volumePath)
            val select = "SELECT CAST(path AS STRING) AS path, CAST(name AS STRING) AS name, " +
                "CAST(size AS BIGINT) AS size, CAST(modification_time AS BIGINT) AS modification_time"
            if (entries.isEmpty()) {
                "$select FROM (SELECT NULL AS path, NULL AS name, NULL AS size, NULL AS modification_time) WHERE 1 = 0"
            } else {
                entries.joinToString(", ", "$select FROM (VALUES ", ") AS t(path, name, size, modification_time)") {
                    "(${literal(it.path)}, ${literal(it.name)}, ${it.size}, ${it.modifiedMillis})"
                }
            }
        }
    }

    private fun transfer(operation: String, url: String, local: String?): String {
        val headers = """{"${StagingUrls.HEADER}":"${StagingUrls.HEADER_VALUE}"}"""
        return "SELECT ${literal(operation)} AS operation, ${literal(url)} AS presignedUrl, " +
            "${literal(headers)} AS headers, ${local?.let(::literal) ?: "CAST(NULL AS STRING)"} AS localFile"
    }
}
