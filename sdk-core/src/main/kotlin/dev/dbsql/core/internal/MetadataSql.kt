package dev.dbsql.core.internal

import dev.dbsql.core.ColumnInfo
import dev.dbsql.core.ConfigurationException

/** SQL text of the metadata commands. Identifiers are back-quoted, strings single-quoted with backslash escapes. */
internal object MetadataSql {
    fun catalogs(): String = "SHOW CATALOGS"

    fun schemas(catalog: String?, schemaPattern: String?): String = buildString {
        append("SHOW SCHEMAS IN ").append(catalog?.let(::ident) ?: "ALL CATALOGS")
        schemaPattern?.let { append(" LIKE ").append(pattern(it)) }
    }

    fun tables(catalog: String?, schemaPattern: String?, tablePattern: String?): String = buildString {
        append("SHOW TABLES IN ").append(catalog?.let { "CATALOG ${ident(it)}" } ?: "ALL CATALOGS")
        schemaPattern?.let { append(" SCHEMA LIKE ").append(pattern(it)) }
        tablePattern?.let { append(" LIKE ").append(pattern(it)) }
    }

    fun columns(catalog: String?, schemaPattern: String?, tablePattern: String?, columnPattern: String?): String = buildString {
        append("SHOW COLUMNS IN ").append(catalog?.let { "CATALOG ${ident(it)}" } ?: "ALL CATALOGS")
        schemaPattern?.let { append(" SCHEMA LIKE ").append(pattern(it)) }
        tablePattern?.let { append(" TABLE LIKE ").append(pattern(it)) }
        columnPattern?.let { append(" LIKE ").append(pattern(it)) }
    }

    fun checkTypes(tableTypes: Collection<String>) {
        if (tableTypes.isEmpty() || tableTypes.any { it.isBlank() }) {
            throw ConfigurationException("tableTypes", "must be null (all types) or a list of non-blank types")
        }
    }

    /**
     * A statement returning exactly [rows] (cell texts as in JSON_ARRAY results) with the names and
     * types of [columns]: an inline table, valid on Databricks SQL and on the local warehouse.
     */
    fun literalTable(columns: List<ColumnInfo>, rows: List<List<String?>>): String {
        if (rows.isEmpty()) {
            return "SELECT " + columns.joinToString(", ") { "CAST(NULL AS ${it.typeText}) AS ${ident(it.name)}" } + " WHERE false"
        }
        val projection = columns.mapIndexed { i, c -> "CAST(c$i AS ${c.typeText}) AS ${ident(c.name)}" }.joinToString(", ")
        val values = rows.joinToString(", ") { r -> r.joinToString(", ", "(", ")") { v -> v?.let(::literal) ?: "NULL" } }
        return "SELECT $projection FROM (VALUES $values) AS v(${columns.indices.joinToString(", ") { "c$it" }})"
    }

    fun ident(name: String): String {
        if (name.isEmpty()) throw ConfigurationException("catalog", "must not be empty")
        return "`" + name.replace("`", "``") + "`"
    }

    fun literal(s: String): String = "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"

    /** A JDBC-style LIKE pattern (`%`, `_`) as the Hive-style pattern SHOW commands take (`*`, `.`). */
    fun pattern(p: String): String = literal(p.replace("%", "*").replace("_", "."))
}
