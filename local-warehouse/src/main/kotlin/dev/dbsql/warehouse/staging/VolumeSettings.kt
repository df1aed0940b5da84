package dev.dbsql.warehouse.staging

import java.nio.file.Path
import java.time.Duration

/**
 * Unity Catalog volume files served by the local warehouse (staging operations `PUT` / `GET` /
 * `REMOVE` / `LIST` on `/Volumes/<catalog>/<schema>/<volume>/...`). A volume path maps to
 * `<root>/<catalog>/<schema>/<volume>/...`; nothing outside [root] can be named.
 *
 * @property root the directory behind `/Volumes`; null uses a fresh temporary directory deleted on close.
 * @property maxFileBytes the largest file a PUT may upload (bigger: 413, nothing kept). Databricks: 5 GiB.
 * @property urlLifetime how long a presigned staging URL works (Databricks: 15 min). Zero issues URLs
 *   that are already expired (for tests of expiry handling).
 * @property maxListEntries the most entries one `LIST` answers (more: the statement fails).
 */
public data class VolumeSettings(
    val root: Path? = null,
    val maxFileBytes: Long = 5L shl 30,
    val urlLifetime: Duration = Duration.ofMinutes(15),
    val maxListEntries: Int = 10_000,
) {
    init {
        require(maxFileBytes > 0) { "maxFileBytes must be > 0" }
        require(!urlLifetime.isNegative) { "urlLifetime must not be negative" }
        require(maxListEntries > 0) { "maxListEntries must be > 0" }
    }
}
