package dev.dbsql.java

import dev.dbsql.core.Disposition
import dev.dbsql.core.ExecuteOptions
import dev.dbsql.core.ResultCompression
import dev.dbsql.core.ResultFormat
import java.time.Duration
import kotlin.time.toKotlinDuration

/**
 * Per-statement options for [DbsqlClient.execute] / [DbsqlClient.submit], built with [builder]:
 * ```java
 * StatementOptions options = StatementOptions.builder()
 *     .waitTimeout(Duration.ZERO)          // return at once and poll
 *     .rowLimit(1_000)
 *     .queryTag("team", "finance")
 *     .build();
 * ```
 * A wrapper of the core `ExecuteOptions`, whose documentation has the details and the defaults
 * (Arrow, LZ4 where offered, inline when small and links when large, a 10 s server wait).
 * Immutable and thread-safe.
 */
public class StatementOptions private constructor(
    /** The core options this wraps (Kotlin callers). */
    @get:JvmSynthetic public val executeOptions: ExecuteOptions,
) {
    override fun toString(): String = executeOptions.toString()

    override fun equals(other: Any?): Boolean = other is StatementOptions && other.executeOptions == executeOptions

    override fun hashCode(): Int = executeOptions.hashCode()

    public companion object {
        /** The defaults. */
        @JvmField
        public val DEFAULT: StatementOptions = StatementOptions(ExecuteOptions.DEFAULT)

        @JvmStatic
        public fun builder(): Builder = Builder()
    }

    /** Collects options for [build]; every setter returns this builder. Not thread-safe. */
    public class Builder internal constructor() {
        private val defaults = ExecuteOptions.DEFAULT
        private var disposition = defaults.disposition
        private var format = defaults.format
        private var compression = defaults.compression
        private var waitTimeout: Duration? = null
        private var cancelOnWaitTimeout = defaults.cancelOnWaitTimeout
        private var rowLimit: Long? = null
        private var byteLimit: Long? = null
        private val queryTags = LinkedHashMap<String, String?>()
        private var catalog: String? = null
        private var schema: String? = null
        private var tag: String? = null
        private val conf = LinkedHashMap<String, String>()

        /** Where results are delivered: inline, as download links, or inline when small (default). */
        public fun disposition(disposition: Disposition): Builder = apply { this.disposition = disposition }

        /** The wire format (default `ARROW_STREAM`). */
        public fun format(format: ResultFormat): Builder = apply { this.format = format }

        /** Compression asked for (default `LZ4_FRAME`; the server may send uncompressed data). */
        public fun compression(compression: ResultCompression): Builder = apply { this.compression = compression }

        /** How long the first request waits on the server: zero, or 5 to 50 whole seconds (default 10 s). */
        public fun waitTimeout(timeout: Duration): Builder = apply { waitTimeout = timeout }

        /** Cancel the statement when [waitTimeout] passes instead of polling on. */
        public fun cancelOnWaitTimeout(cancel: Boolean): Builder = apply { cancelOnWaitTimeout = cancel }

        /** Keep at most [rows] rows (the manifest then says `truncated`). */
        public fun rowLimit(rows: Long): Builder = apply { rowLimit = rows }

        /** Keep at most about [bytes] bytes of result. */
        public fun byteLimit(bytes: Long): Builder = apply { byteLimit = bytes }

        /** Adds a query tag; a null [value] makes a key-only tag. */
        public fun queryTag(key: String, value: String?): Builder = apply { queryTags[key] = value }

        /** The statement's catalog (overrides the client's). */
        public fun catalog(catalog: String?): Builder = apply { this.catalog = catalog }

        /** The statement's schema (overrides the client's). */
        public fun schema(schema: String?): Builder = apply { this.schema = schema }

        /**
         * Sets [key] to [value] for this statement only (`statement_conf`, e.g. `timezone` or
         * `ansi_mode`); the next statement runs with the session's setting. Keys: [ExecuteOptions.STATEMENT_CONF_KEYS].
         */
        public fun conf(key: String, value: String): Builder = apply { conf[key] = value }

        /** Adds every entry of [settings] like [conf]. */
        public fun conf(settings: Map<String, String>): Builder = apply { conf.putAll(settings) }

        /** A free label stored in the statement's handle. */
        public fun tag(tag: String?): Builder = apply { this.tag = tag }

        /**
         * The options.
         * @throws dev.dbsql.core.ConfigurationException naming the first invalid value.
         */
        public fun build(): StatementOptions = StatementOptions(
            ExecuteOptions(
                disposition = disposition,
                format = format,
                compression = compression,
                waitTimeout = waitTimeout?.toKotlinDuration() ?: defaults.waitTimeout,
                cancelOnWaitTimeout = cancelOnWaitTimeout,
                rowLimit = rowLimit,
                byteLimit = byteLimit,
                queryTags = LinkedHashMap(queryTags),
                catalog = catalog,
                schema = schema,
                tag = tag,
                conf = LinkedHashMap(conf),
            ),
        )
    }
}
