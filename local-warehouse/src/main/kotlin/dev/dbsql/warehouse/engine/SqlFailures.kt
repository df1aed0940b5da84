package dev.dbsql.warehouse.engine

import java.sql.SQLException

/**
 * Builds [SqlFailure]s in the shape of the Databricks server: message
 * `\n[ERROR_CLASS] detail SQLSTATE: xxxxx`, and maps DuckDB errors onto Databricks error classes.
 */
internal object SqlFailures {
    fun of(errorClass: String, sqlState: String, detail: String, cause: Throwable? = null): SqlFailure =
        SqlFailure(sqlState, errorClass, "\n[$errorClass] ${detail.trim()} SQLSTATE: $sqlState", cause)

    fun parse(detail: String): SqlFailure = of("PARSE_SYNTAX_ERROR", "42601", detail)

    fun catalogNotFound(name: String): SqlFailure =
        of("NO_SUCH_CATALOG_EXCEPTION", "42704", "Catalog '$name' was not found. Please verify the catalog name and then retry the query or command again.")

    fun schemaNotFound(catalog: String, schema: String): SqlFailure =
        of("SCHEMA_NOT_FOUND", "42704", "The schema `$catalog`.`$schema` cannot be found. Verify the spelling and correctness of the schema and catalog.")

    private data class Rule(val errorClass: String, val sqlState: String, val test: (String) -> Boolean)

    private fun prefix(p: String, vararg contains: String): (String) -> Boolean = { m ->
        m.startsWith(p) && contains.all { m.contains(it, ignoreCase = true) }
    }

    private val RULES = listOf(
        Rule("PARSE_SYNTAX_ERROR", "42601", prefix("Parser Error")),
        Rule("TABLE_OR_VIEW_NOT_FOUND", "42P01") { m ->
            m.startsWith("Catalog Error") && Regex("(Table|View|Table or view) with name .* does not exist").containsMatchIn(m) &&
                !m.contains("Function")
        },
        Rule("UNRESOLVED_ROUTINE", "42883") { m -> m.startsWith("Catalog Error") && m.contains("Function with name") },
        Rule("SCHEMA_NOT_FOUND", "42704", prefix("Catalog Error", "Schema with name", "does not exist")),
        Rule("NO_SUCH_CATALOG_EXCEPTION", "42704", prefix("Catalog Error", "Catalog", "does not exist")),
        Rule("UNSUPPORTED_DATATYPE", "0A000", prefix("Catalog Error", "Type with name")),
        Rule("SCHEMA_ALREADY_EXISTS", "42P06", prefix("Catalog Error", "Schema with name", "already exists")),
        Rule("TABLE_OR_VIEW_ALREADY_EXISTS", "42P07", prefix("Catalog Error", "already exists")),
        Rule("UNRESOLVED_COLUMN", "42703") { m ->
            m.startsWith("Binder Error") && (m.contains("Referenced column") || m.contains("does not have a column named") ||
                m.contains("not found in FROM clause"))
        },
        Rule("DATATYPE_MISMATCH", "42K09", prefix("Binder Error", "No function matches")),
        Rule("DIVIDE_BY_ZERO", "22012") { m -> m.contains("division by zero", ignoreCase = true) || m.contains("divide by zero", ignoreCase = true) },
        Rule("CAST_INVALID_INPUT", "22018", prefix("Conversion Error")),
        Rule("ARITHMETIC_OVERFLOW", "22003", prefix("Out of Range Error")),
        Rule("NOT_NULL_CONSTRAINT_VIOLATION", "23502", prefix("Constraint Error", "NOT NULL")),
        Rule("UNIQUE_CONSTRAINT_VIOLATION", "23505") { m -> m.startsWith("Constraint Error") && (m.contains("duplicate key") || m.contains("UNIQUE")) },
        Rule("CHECK_CONSTRAINT_VIOLATION", "23514", prefix("Constraint Error", "CHECK")),
        Rule("FOREIGN_KEY_VIOLATION", "23503", prefix("Constraint Error", "foreign key")),
        Rule("CONSTRAINT_VIOLATION", "23000", prefix("Constraint Error")),
        Rule("UNSUPPORTED_FEATURE", "0A000", prefix("Not implemented Error")),
        Rule("INVALID_SQL_SYNTAX", "42000", prefix("Binder Error")),
        Rule("INVALID_SQL_SYNTAX", "42000", prefix("Catalog Error")),
        Rule("INVALID_PARAMETER_VALUE", "22023", prefix("Invalid Input Error")),
        Rule("INVALID_TRANSACTION_STATE", "25000", prefix("TransactionContext Error")),
        Rule("OUT_OF_MEMORY", "53200", prefix("Out of Memory Error")),
    )

    /** The Databricks failure for a DuckDB error. */
    fun fromDuck(e: SQLException): SqlFailure {
        val message = (e.message ?: e.toString()).trim()
        val rule = RULES.firstOrNull { it.test(message) }
        return if (rule == null) of("INTERNAL_ERROR", "XX000", message, e) else of(rule.errorClass, rule.sqlState, message, e)
    }

    /** True when DuckDB says the query was interrupted. */
    fun isInterrupt(e: SQLException): Boolean = (e.message ?: "").let { it.startsWith("INTERRUPT") || it.contains("Interrupted") }
}
