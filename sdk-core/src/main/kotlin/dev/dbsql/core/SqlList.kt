package dev.dbsql.core

import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonNull
import kotlinx.serialization.json.JsonPrimitive
import java.math.BigDecimal
import java.math.BigInteger
import java.time.LocalDate

/**
 * Many values as **one** statement parameter, for `IN` lists past the server's
 * [StatementParameters.MAX] parameters: the values travel as a JSON array in a STRING parameter
 * and the SQL unpacks them with `from_json` — no value is ever written into the SQL text.
 * ```
 * val ids = SqlList.of(listOfIds)                      // 100,000 Longs: one parameter
 * client.execute("SELECT * FROM t WHERE id IN ${ids.inSubquery("ids")}", params { "ids" to ids })
 * // … WHERE id IN (SELECT explode(from_json(:ids, 'ARRAY<BIGINT>')))
 * ```
 * Element types with an exact JSON form: String, Int, Long, Short, Byte, Boolean, BigDecimal,
 * BigInteger and LocalDate (nulls allowed); all elements of one class. Other classes (binary,
 * floating point, timestamps, nested values) have no form that round-trips exactly and are
 * refused with [ConfigurationException]. The parameter value is bounded by the statement limit
 * (16 MiB of request). Immutable.
 *
 * @property elementType the SQL type of the elements (`BIGINT`, `STRING`, `DECIMAL(38,2)`, …).
 */
public class SqlList private constructor(public val elementType: String, internal val json: String, public val size: Int) {

    /** `from_json(:name, 'ARRAY<type>')`: the values as an ARRAY, e.g. for `array_contains(…, col)`. */
    public fun unpack(name: String): String = "from_json(:${checkName(name)}, 'ARRAY<$elementType>')"

    /** `(SELECT explode(from_json(:name, 'ARRAY<type>')))`: the values as a subquery, for `col IN …`. */
    public fun inSubquery(name: String): String = "(SELECT explode(${unpack(name)}))"

    override fun toString(): String = "SqlList($elementType × $size)"

    public companion object {
        private const val MAX_BYTES = 15L * 1024 * 1024
        private val names = Regex("[A-Za-z_][A-Za-z0-9_]*")

        /**
         * [values] with the element type inferred from their class.
         * @throws ConfigurationException when the class has no exact JSON form, classes are mixed,
         *   or there is no non-null value to infer from (use the overload with a type).
         */
        @JvmStatic
        public fun of(values: Collection<*>): SqlList {
            val first = values.firstOrNull { it != null }
                ?: throw ConfigurationException("parameters", "cannot infer the element type of an empty or all-NULL list; use SqlList.of(values, type)")
            return build(values, typeOf(first, values))
        }

        /**
         * [values] as elements of SQL type [elementType] (one of `STRING`, `INT`, `BIGINT`, `SMALLINT`,
         * `TINYINT`, `BOOLEAN`, `DATE`, `DECIMAL(p,s)`).
         */
        @JvmStatic
        public fun of(values: Collection<*>, elementType: String): SqlList {
            val type = elementType.trim().uppercase()
            if (type !in FIXED && !Regex("""DECIMAL\(\d{1,2},\d{1,2}\)""").matches(type.replace(" ", ""))) {
                throw ConfigurationException("parameters", "element type '$elementType' has no safe JSON form; use one of ${FIXED.joinToString()} or DECIMAL(p,s)")
            }
            values.firstOrNull { it != null }?.let { typeOf(it, values) }
            return build(values, type.replace(" ", ""))
        }

        private val FIXED = setOf("STRING", "INT", "BIGINT", "SMALLINT", "TINYINT", "BOOLEAN", "DATE")

        private fun typeOf(first: Any, values: Collection<*>): String {
            val cls = first.javaClass
            values.firstOrNull { it != null && it.javaClass != cls }?.let {
                throw ConfigurationException("parameters", "a SqlList holds one class; found ${cls.simpleName} and ${it.javaClass.simpleName}")
            }
            return when (first) {
                is String -> "STRING"
                is Int -> "INT"
                is Long -> "BIGINT"
                is Short -> "SMALLINT"
                is Byte -> "TINYINT"
                is Boolean -> "BOOLEAN"
                is LocalDate -> "DATE"
                is BigInteger -> "DECIMAL(38,0)"
                is BigDecimal -> {
                    @Suppress("UNCHECKED_CAST")
                    val decimals = values.filterNotNull() as List<BigDecimal>
                    val scale = decimals.maxOf { maxOf(it.scale(), 0) }
                    val integer = decimals.maxOf { maxOf(it.precision() - it.scale(), 1) }
                    if (integer + scale > 38) throw ConfigurationException("parameters", "the decimals need precision ${integer + scale}; at most 38")
                    "DECIMAL(${integer + scale},$scale)"
                }
                else -> throw ConfigurationException(
                    "parameters",
                    "values of class ${cls.name} have no exact JSON form for an IN list (binary, floating point, timestamps and " +
                        "nested values do not round-trip); send them as separate parameters (at most ${StatementParameters.MAX}) instead",
                )
            }
        }

        private fun build(values: Collection<*>, type: String): SqlList {
            val array = JsonArray(
                values.map { v ->
                    when (v) {
                        null -> JsonNull
                        is String -> JsonPrimitive(v)
                        is Boolean -> JsonPrimitive(v)
                        is BigDecimal -> JsonPrimitive(v)
                        is Number -> JsonPrimitive(v)
                        is LocalDate -> JsonPrimitive(v.toString())
                        else -> throw ConfigurationException("parameters", "unexpected ${v.javaClass.name} in a SqlList")
                    }
                },
            )
            val json = array.toString()
            if (json.length > MAX_BYTES) throw ConfigurationException("parameters", "the list's JSON is ${json.length} characters; at most $MAX_BYTES fit a request")
            return SqlList(type, json, values.size)
        }

        private fun checkName(name: String): String {
            if (!names.matches(name)) throw ConfigurationException("parameters.$name", "a parameter name must be letters, digits and '_'")
            return name
        }
    }
}
