package dev.dbsql.core

import dev.dbsql.core.internal.ParamEncoding
import kotlin.reflect.KClass

/**
 * A statement parameter: named (`:name` in the SQL) or positional (`?`, [ordinal] 1-based).
 * [value] is the text the server casts to [type] (the SDK writes it in the form the server
 * parses); null is SQL NULL. Immutable.
 */
public class SqlParameter private constructor(
    public val name: String?,
    public val ordinal: Int?,
    public val value: String?,
    public val type: String,
) {
    override fun toString(): String = "SqlParameter(${name ?: "#$ordinal"}: $type = ${value?.let { "'${it.take(40)}'" } ?: "NULL"})"

    public companion object {
        /**
         * A named parameter typed from [value]'s class (see [ParamsBuilder] for the mapping), or
         * [type] when given (any SQL type `CAST` accepts, e.g. `DECIMAL(10,2)`).
         * @throws ConfigurationException for an unsupported value class or an untyped null.
         */
        @JvmStatic
        @JvmOverloads
        public fun named(name: String, value: Any?, type: String? = null): SqlParameter {
            if (name.isBlank() || !name.all { it.isLetterOrDigit() || it == '_' }) {
                throw ConfigurationException("parameters.$name", "a parameter name must be letters, digits and '_'")
            }
            val (text, t) = ParamEncoding.encode("parameters.$name", value, type, null)
            return SqlParameter(name, null, text, t)
        }

        /** A positional parameter for the [ordinal]-th `?` (1-based), typed like [named]. */
        @JvmStatic
        @JvmOverloads
        public fun positional(ordinal: Int, value: Any?, type: String? = null): SqlParameter {
            if (ordinal < 1) throw ConfigurationException("parameters[$ordinal]", "ordinals start at 1")
            val (text, t) = ParamEncoding.encode("parameters[$ordinal]", value, type, null)
            return SqlParameter(null, ordinal, text, t)
        }

        @PublishedApi
        internal fun namedOfClass(name: String, value: Any?, kClass: KClass<*>): SqlParameter {
            val (text, t) = ParamEncoding.encode("parameters.$name", value, null, kClass)
            return SqlParameter(name, null, text, t)
        }
    }
}

/** A value with an explicit SQL type, for the `params { }` DSL: `"p" to typed("1.50", "DECIMAL(5,2)")`. */
public class TypedValue(public val value: Any?, public val type: String) {
    override fun toString(): String = "TypedValue($type)"
}

/** [value] sent with the explicit SQL [type] instead of the one inferred from its class. */
public fun typed(value: Any?, type: String): TypedValue = TypedValue(value, type)

/**
 * The parameters of one statement: all named or all positional, at most [MAX] of them, names unique.
 * @throws ConfigurationException when these rules are broken.
 */
public class StatementParameters(public val list: List<SqlParameter>) {
    init {
        if (list.size > MAX) throw ConfigurationException("parameters", "${list.size} parameters given; a statement takes at most $MAX (for an IN list, send one SqlList parameter)")
        if (list.any { it.name != null } && list.any { it.ordinal != null }) {
            throw ConfigurationException("parameters", "named and positional parameters cannot be mixed")
        }
        list.groupBy { it.name ?: "#${it.ordinal}" }.filterValues { it.size > 1 }.keys.firstOrNull()?.let {
            throw ConfigurationException("parameters", "parameter '$it' is given twice")
        }
    }

    override fun toString(): String = "StatementParameters($list)"

    public companion object {
        /** The most parameters one statement may have. */
        public const val MAX: Int = 256

        @JvmField
        public val NONE: StatementParameters = StatementParameters(emptyList())

        /** Positional parameters for the `?` markers, in order, typed from their classes. */
        @JvmStatic
        public fun positional(vararg values: Any?): StatementParameters =
            StatementParameters(values.mapIndexed { i, v -> SqlParameter.positional(i + 1, v) })
    }
}

/**
 * Named parameters:
 * ```
 * params { "d" to LocalDate.now(); "n" to 5; "x" to null as String?; "p" to typed("1.5", "DECIMAL(3,1)") }
 * ```
 * Types from Kotlin classes: String→STRING, Int→INT, Long→BIGINT, Short→SMALLINT, Byte→TINYINT,
 * Double→DOUBLE, Float→FLOAT, BigDecimal→DECIMAL(p,s), BigInteger→DECIMAL(p,0), Boolean→BOOLEAN,
 * LocalDate→DATE, Instant / OffsetDateTime / ZonedDateTime→TIMESTAMP, LocalDateTime→TIMESTAMP_NTZ,
 * ByteArray→BINARY, java.time.Duration→INTERVAL DAY TO SECOND, java.time.Period→INTERVAL YEAR TO MONTH
 * (a Period of days only→INTERVAL DAY; one mixing months and days is refused). A null takes the type of its static Kotlin type (`null as Int?` is an INT NULL).
 */
public fun params(block: ParamsBuilder.() -> Unit): StatementParameters = ParamsBuilder().apply(block).build()

/** The receiver of [params]. Not thread-safe. */
public class ParamsBuilder @PublishedApi internal constructor() {
    @PublishedApi
    internal val items: MutableList<SqlParameter> = mutableListOf()

    /** Adds the named parameter [this] with [value], typed from `T` (so typed nulls keep their type). */
    public inline infix fun <reified T> String.to(value: T) {
        items += if (value is TypedValue) SqlParameter.named(this, value.value, value.type) else SqlParameter.namedOfClass(this, value, T::class)
    }

    /** Adds a named parameter with an explicit SQL [type]. */
    public fun add(name: String, value: Any?, type: String) {
        items += SqlParameter.named(name, value, type)
    }

    @PublishedApi
    internal fun build(): StatementParameters = StatementParameters(items.toList())
}
