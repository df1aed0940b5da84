package dev.dbsql.core

import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds

/**
 * Per-statement options. The defaults ask for Arrow, LZ4-compressed where the server offers it,
 * inline when small and as download links when large.
 *
 * @property waitTimeout how long the execute request waits on the server for the statement to
 *   finish (`wait_timeout`): 0 (return at once) or 5–50 s in whole seconds. `execute` polls after it.
 * @property cancelOnWaitTimeout cancel the statement when [waitTimeout] passes (`on_wait_timeout = CANCEL`).
 * @property rowLimit keep at most this many rows; the manifest says `truncated` when rows were cut.
 * @property byteLimit keep at most about this many bytes of result.
 * @property queryTags key → value (value may be null: a key-only tag); up to 20 are kept by the server.
 * @property catalog / [schema] the statement's catalog / schema (overrides the client config; ignored in sessions by the server's rules).
 * @property tag a free label stored in the [StatementHandle].
 * @property conf configuration for this statement only (sent as `statement_conf`): the keys sessions
 *   accept ([STATEMENT_CONF_KEYS], case-insensitive, sent lower-cased), e.g. `timezone` or `ansi_mode`.
 *   It applies to this one statement and is not kept by the session; the statement after it runs
 *   with the session's (or warehouse's) setting again. A real warehouse's support of this field is
 *   unconfirmed (the Rust kernel client sends it); the local warehouse honours `timezone` and `ansi_mode`.
 */
public data class ExecuteOptions(
    val disposition: Disposition = Disposition.INLINE_OR_EXTERNAL_LINKS,
    val format: ResultFormat = ResultFormat.ARROW_STREAM,
    val compression: ResultCompression = ResultCompression.LZ4_FRAME,
    val waitTimeout: Duration = 10.seconds,
    val cancelOnWaitTimeout: Boolean = false,
    val rowLimit: Long? = null,
    val byteLimit: Long? = null,
    val queryTags: Map<String, String?> = emptyMap(),
    val catalog: String? = null,
    val schema: String? = null,
    val tag: String? = null,
    val conf: Map<String, String> = emptyMap(),
) {
    init {
        val secs = waitTimeout.inWholeSeconds
        if (waitTimeout != secs.seconds || !(secs == 0L || secs in 5L..50L)) {
            throw ConfigurationException("waitTimeout", "must be 0 or 5..50 whole seconds, was $waitTimeout")
        }
        if (rowLimit != null && rowLimit <= 0) throw ConfigurationException("rowLimit", "must be positive, was $rowLimit")
        if (byteLimit != null && byteLimit <= 0) throw ConfigurationException("byteLimit", "must be positive, was $byteLimit")
        if (queryTags.keys.any { it.isBlank() }) throw ConfigurationException("queryTags", "keys must not be blank")
        conf.keys.firstOrNull { it.lowercase() !in STATEMENT_CONF_KEYS }?.let {
            throw ConfigurationException("conf", "'$it' is not a statement setting; allowed: ${STATEMENT_CONF_KEYS.joinToString()}")
        }
        if (conf.keys.map { it.lowercase() }.toSet().size != conf.size) throw ConfigurationException("conf", "a key is given twice (keys are case-insensitive)")
    }

    public companion object {
        /** The defaults. */
        @JvmField
        public val DEFAULT: ExecuteOptions = ExecuteOptions()

        /** The keys [conf] accepts: the session configuration keys of the official drivers. */
        @JvmField
        public val STATEMENT_CONF_KEYS: Set<String> = setOf(
            "ansi_mode", "enable_photon", "legacy_time_parser_policy", "max_file_partition_bytes",
            "read_only_external_metastore", "statement_timeout", "timezone", "use_cached_result",
        )
    }
}
