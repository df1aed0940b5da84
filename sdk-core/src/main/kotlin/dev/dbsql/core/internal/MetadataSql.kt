package dev.dbsql.core.internal

import dev.dbsql.core.ConfigurationException

/** SQL text of the metadata commands. Identifiers are back-quoted, patterns single-quoted. */
internal object MetadataSql {
    fun catalogs(): String = "SHOW CATALOGS"

    fun schemas(catalog: String?, schemaPattern: String?): String = buildString {
        append("SHOW SCHEMAS IN ").append(catalog?.let(::ident) ?: "ALL CATALOGS")
        schemaPattern?.let { append(" LIKE ").append(pattern(it)) }
    }

    fun tables(catalog: String?, schemaPattern: String?, tablePattern: String?, tableTypes: Collection<String>?): String {
        val show = buildString {
            append("SHOW TABLES IN ").append(catalog?.let { "CATALOG ${ident(it)}" } ?: "ALL CATALOGS")
            schemaPattern?.let { append(" SCHEMA LIKE ").append(pattern(it)) }
            tablePattern?.let { append(" LIKE ").append(pattern(it)) }
        }
        if (tableTypes == null) return show
        if (tableTypes.isEmpty() || tableTypes.any { it.isBlank() }) {
            throw ConfigurationException("tableTypes", "must be null (all types) or a list of non-blank types")
        }
        return show + " |> WHERE upper(tableType) IN (" + tableTypes.joinToString(", ") { literal(it.uppercase()) } + ")"
    }

    fun columns(catalog: String?, schemaPattern: String?, tablePattern: String?, columnPattern: String?): String = buildString {
        append("SHOW COLUMNS IN ").append(catalog?.let { "CATALOG ${ident(it)}" } ?: "ALL CATALOGS")
        schemaPattern?.let { append(" SCHEMA LIKE ").append(pattern(it)) }
        tablePattern?.let { append(" TABLE LIKE ").append(pattern(it)) }
        columnPattern?.let { append(" LIKE ").append(pattern(it)) }
    }

    fun ident(name: String): String {
        if (name.isEmpty()) throw ConfigurationException("catalog", "must not be empty")
        return "`" + name.replace("`", "``") + "`"
    }

    fun literal(s: String): String = "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"

    /** A JDBC-style LIKE pattern (`%`, `_`) as the Hive-style pattern SHOW commands take (`*`, `.`). */
    fun pattern(p: String): String = literal(p.replace("%", "*").replace("_", "."))
}
