package dev.dbsql.warehouse.statements

import dev.dbsql.warehouse.engine.EngineContext
import kotlinx.coroutines.sync.Mutex
import java.time.Instant

/** Opens an engine context: the seam between the HTTP layer and the query engine. */
fun interface ContextOpener {
    fun open(catalog: String?, schema: String?, conf: Map<String, String>): EngineContext
}

/**
 * A SEA session: one engine context for its life, on which its statements run one at a time
 * ([mutex]). Session confs arrive lower-cased. Only [owner] (the subject of the token that created
 * it) can see, use or delete it.
 */
internal class Session(
    val id: String,
    val warehouseId: String,
    val owner: String,
    val context: EngineContext,
    val confs: Map<String, String>,
    val createdAt: Instant,
) {
    val mutex = Mutex()

    @Volatile var deletedAt: Instant? = null

    /** `can_cloud_download=false` (JDBC bounded mode): hybrid results come back as inline attachments only. */
    val canCloudDownload: Boolean
        get() = !confs["can_cloud_download"].equals("false", ignoreCase = true)
}
