package dev.dbsql.core.internal

import java.util.Properties

/** The SDK version, from the build-generated `version.properties`. */
internal object SdkVersion {
    val value: String by lazy {
        val props = Properties()
        SdkVersion::class.java.getResourceAsStream("/dev/dbsql/core/version.properties")?.use { props.load(it) }
        props.getProperty("version")?.takeIf { it.isNotBlank() && !it.startsWith("\${") } ?: "unknown"
    }

    fun userAgent(suffix: String?): String = "dbsql-kotlin/$value" + (suffix?.let { " $it" } ?: "")
}
