package dev.dbsql.flow.internal.arrow

import dev.dbsql.core.ConfigurationException
import org.apache.arrow.memory.BufferAllocator

/**
 * Arrow's memory module reads `java.nio.Buffer` internals and fails its static initialiser without
 * `--add-opens=java.base/java.nio=...` (then `NoClassDefFoundError` on every later use). This check
 * runs before the SDK creates its first allocator and turns that into one clear error.
 */
internal object JvmFlags {
    const val FLAG: String = "--add-opens=java.base/java.nio=ALL-UNNAMED"

    /** True when `java.nio` is open to the module Arrow's memory classes live in. */
    fun nioOpenToArrow(): Boolean =
        java.nio.Buffer::class.java.module.isOpen("java.nio", BufferAllocator::class.java.module)

    /** Throws a [ConfigurationException] naming the flag and how to set it when it is missing. */
    fun requireNioOpen() {
        if (nioOpenToArrow()) return
        throw ConfigurationException(
            "jvm",
            "reading results needs the JVM flag $FLAG (Apache Arrow reads java.nio internals). " +
                "Add it to the java command line or JDK_JAVA_OPTIONS; Maven: surefire/failsafe <argLine>, " +
                "exec plugin arguments; Gradle: applicationDefaultJvmArgs / test { jvmArgs(...) }; " +
                "a runnable jar: 'Add-Opens: java.base/java.nio' in its MANIFEST.MF. " +
                "See the README section 'JVM flags'.",
        )
    }
}
