package dev.dbsql.warehouse.engine

/**
 * `SHOW CATALOGS / SCHEMAS / TABLES / COLUMNS` in Databricks shape. Reads DuckDB's catalog
 * functions, filters with Hive-style patterns (`*` any text, `|` alternatives, case-insensitive;
 * SQL `%` and `_` are read as `*` and any one character), and answers with a literal table that
 * runs through the normal result path.
 */
internal class ShowCommands(private val ctx: DuckDbContext) {
    private class Cursor(val t: List<Token>) {
        var i = 0
        fun peekWord(vararg w: String) = t.getOrNull(i)?.let { tok -> tok.kind == TokenKind.WORD && w.any { tok.text.equals(it, true) } } == true
        fun word(vararg w: String): Boolean = peekWord(*w).also { if (it) i++ }
        fun name(): String {
            val tok = t.getOrNull(i) ?: fail("a name")
            if (!tok.isIdentifier) fail("a name")
            i++
            return tok.value
        }
        fun pattern(): String {
            val tok = t.getOrNull(i)
            if (tok == null || tok.kind != TokenKind.STRING) fail("a pattern string")
            i++
            return tok.value
        }
        fun optionalLike(): String? = if (word("LIKE")) pattern() else if (t.getOrNull(i)?.kind == TokenKind.STRING) pattern() else null
        fun end() { if (i < t.size) fail("end of statement, found '${t[i].text}'") }
        fun fail(what: String): Nothing = throw SqlFailures.parse("Syntax error in SHOW: expected $what.")
    }

    fun plan(tokens: List<Token>): Translated.Sql {
        val c = Cursor(tokens)
        return when {
            c.word("CATALOGS") -> { val p = c.optionalLike(); c.end(); catalogs(p) }
            c.word("SCHEMAS", "DATABASES", "NAMESPACES") -> {
                var catalog: String? = ctx.currentCatalog
                if (c.word("IN", "FROM")) {
                    catalog = if (c.word("ALL")) { if (!c.word("CATALOGS")) c.fail("CATALOGS"); null } else { c.word("CATALOG"); c.name() }
                }
                val p = c.optionalLike(); c.end(); schemas(catalog, p)
            }
            c.word("TABLES") -> {
                var catalog: String? = ctx.currentCatalog
                var schemaPattern: String? = null
                var exactSchema: String? = ctx.currentSchema
                if (c.word("IN", "FROM")) {
                    when {
                        c.word("ALL") -> { if (!c.word("CATALOGS")) c.fail("CATALOGS"); catalog = null; exactSchema = null }
                        c.word("CATALOG") -> { catalog = c.name(); exactSchema = null }
                        else -> {
                            val first = c.name()
                            if (c.t.getOrNull(c.i)?.isSymbol(".") == true) { c.i++; catalog = first; exactSchema = c.name() } else exactSchema = first
                        }
                    }
                }
                if (c.word("SCHEMA")) { if (!c.word("LIKE")) c.fail("LIKE"); schemaPattern = c.pattern() }
                val p = c.optionalLike(); c.end()
                tables(catalog, exactSchema, schemaPattern, p)
            }
            c.word("COLUMNS") -> {
                if (!c.word("IN", "FROM")) c.fail("IN")
                var catalog: String? = null
                var schemaPattern: String? = null
                var tablePattern: String? = null
                var exactSchema: String? = null
                var exactTable: String? = null
                if (c.word("CATALOG")) catalog = c.name()
                else if (c.word("ALL")) { if (!c.word("CATALOGS")) c.fail("CATALOGS") }
                else {
                    val parts = mutableListOf(c.name())
                    while (c.t.getOrNull(c.i)?.isSymbol(".") == true) { c.i++; parts += c.name() }
                    exactTable = parts.last()
                    exactSchema = parts.getOrNull(parts.size - 2) ?: ctx.currentSchema
                    catalog = parts.getOrNull(parts.size - 3) ?: ctx.currentCatalog
                    if (c.word("IN", "FROM")) exactSchema = c.name()
                }
                if (c.word("SCHEMA")) { if (!c.word("LIKE")) c.fail("LIKE"); schemaPattern = c.pattern() }
                if (c.word("TABLE")) { if (!c.word("LIKE")) c.fail("LIKE"); tablePattern = c.pattern() }
                val p = c.optionalLike(); c.end()
                columns(catalog, exactSchema, schemaPattern, exactTable, tablePattern, p)
            }
            else -> throw SqlFailures.parse("Syntax error at or near SHOW: only SHOW CATALOGS, SCHEMAS, TABLES and COLUMNS are supported.")
        }
    }

    private fun catalogNames(): List<String> =
        ctx.queryStrings("SELECT database_name FROM duckdb_databases() WHERE NOT internal ORDER BY 1")
            .filter { it !in Catalogs.HIDDEN }

    private fun checkCatalog(catalog: String) {
        if (Catalogs.toDuck(catalog) !in catalogNames()) throw SqlFailures.catalogNotFound(catalog)
    }

    private fun catalogs(p: String?): Translated.Sql =
        table(listOf("catalog" to "VARCHAR"), catalogNames().map { Catalogs.fromDuck(it) }.filter { matches(p, it) }.sorted().map { listOf(it) })

    /** (catalog, schema) pairs, hiding DuckDB's built-in `main` schema while it is empty. */
    private fun schemaRows(catalog: String?): List<Pair<String, String>> {
        catalog?.let { checkCatalog(it) }
        val rows = ctx.queryRows(
            "SELECT s.database_name, s.schema_name, (SELECT count(*) FROM duckdb_tables() t WHERE t.database_name = s.database_name AND t.schema_name = s.schema_name) + " +
                "(SELECT count(*) FROM duckdb_views() v WHERE v.database_name = s.database_name AND v.schema_name = s.schema_name AND NOT v.internal) " +
                "FROM duckdb_schemas() s WHERE NOT s.internal OR s.schema_name = 'main' ORDER BY 1, 2",
        )
        return rows.mapNotNull { r ->
            val db = r[0] as String
            val schema = r[1] as String
            val objects = (r[2] as Number).toLong()
            if (db in Catalogs.HIDDEN || (schema == "main" && objects == 0L)) null
            else if (catalog != null && db != Catalogs.toDuck(catalog)) null
            else Catalogs.fromDuck(db) to schema
        }
    }

    private fun schemas(catalog: String?, p: String?): Translated.Sql {
        val rows = schemaRows(catalog).filter { matches(p, it.second) }
        return if (catalog == null) table(listOf("databaseName" to "VARCHAR", "catalog" to "VARCHAR"), rows.map { listOf(it.second, it.first) })
        else table(listOf("databaseName" to "VARCHAR"), rows.map { listOf(it.second) })
    }

    private fun tables(catalog: String?, exactSchema: String?, schemaPattern: String?, p: String?): Translated.Sql {
        catalog?.let { checkCatalog(it) }
        val rows = ctx.queryRows(
            "SELECT database_name, schema_name, table_name, temporary, 'TABLE', comment FROM duckdb_tables() " +
                "UNION ALL SELECT database_name, schema_name, view_name, temporary, 'VIEW', comment FROM duckdb_views() WHERE NOT internal " +
                "ORDER BY 1, 2, 3",
        ).filter { r ->
            val db = r[0] as String
            db !in Catalogs.HIDDEN && (catalog == null || db == Catalogs.toDuck(catalog)) &&
                (exactSchema == null || (r[1] as String).equals(exactSchema, true)) &&
                matches(schemaPattern, r[1] as String) && matches(p, r[2] as String)
        }
        return table(
            listOf("namespace" to "VARCHAR", "tableName" to "VARCHAR", "isTemporary" to "BOOLEAN", "information" to "VARCHAR",
                "catalogName" to "VARCHAR", "tableType" to "VARCHAR", "remarks" to "VARCHAR"),
            rows.map { r -> listOf(r[1], r[2], r[3], null, Catalogs.fromDuck(r[0] as String), r[4], r[5]) },
        )
    }

    private fun columns(
        catalog: String?, exactSchema: String?, schemaPattern: String?, exactTable: String?, tablePattern: String?, p: String?,
    ): Translated.Sql {
        catalog?.let { checkCatalog(it) }
        val rows = ctx.queryRows(
            "SELECT database_name, schema_name, table_name, column_name, data_type, is_nullable, comment, column_index " +
                "FROM duckdb_columns() WHERE NOT internal ORDER BY 1, 2, 3, column_index",
        ).filter { r ->
            val db = r[0] as String
            db !in Catalogs.HIDDEN && (catalog == null || db == Catalogs.toDuck(catalog)) &&
                (exactSchema == null || (r[1] as String).equals(exactSchema, true)) &&
                (exactTable == null || (r[2] as String).equals(exactTable, true)) &&
                matches(schemaPattern, r[1] as String) && matches(tablePattern, r[2] as String) && matches(p, r[3] as String)
        }
        if (exactTable != null && rows.isEmpty()) {
            throw SqlFailures.of("TABLE_OR_VIEW_NOT_FOUND", "42P01", "The table or view `$exactSchema`.`$exactTable` cannot be found.")
        }
        return table(
            listOf("col_name" to "VARCHAR", "catalogName" to "VARCHAR", "namespace" to "VARCHAR", "tableName" to "VARCHAR",
                "columnType" to "VARCHAR", "columnSize" to "INTEGER", "decimalDigits" to "INTEGER", "radix" to "INTEGER",
                "isNullable" to "VARCHAR", "remarks" to "VARCHAR", "ordinalPosition" to "INTEGER",
                "isAutoIncrement" to "VARCHAR", "isGenerated" to "VARCHAR"),
            rows.map { r ->
                val t = TypeMapping.dbxOfDuckText(r[4] as String)
                val size = COLUMN_SIZE[t.typeName] ?: t.precision
                val digits = when (t.typeName) { "DECIMAL" -> t.scale; "FLOAT" -> 7; "DOUBLE" -> 15; "TIMESTAMP", "TIMESTAMP_NTZ" -> 6
                    "BYTE", "SHORT", "INT", "LONG" -> 0; else -> null }
                val radix = if (t.typeName in NUMERIC) 10 else null
                listOf(r[3], Catalogs.fromDuck(r[0] as String), r[1], r[2], t.typeText, size, digits, radix,
                    if (r[5] == true) "true" else "false", r[6], (r[7] as Number).toInt() - 1, "NO", "NO")
            },
        )
    }

    companion object {
        private val NUMERIC = setOf("BYTE", "SHORT", "INT", "LONG", "FLOAT", "DOUBLE", "DECIMAL")
        private val COLUMN_SIZE = mapOf("BOOLEAN" to 1, "BYTE" to 3, "SHORT" to 5, "INT" to 10, "LONG" to 19, "FLOAT" to 7,
            "DOUBLE" to 15, "DATE" to 10, "TIMESTAMP" to 29, "TIMESTAMP_NTZ" to 29, "STRING" to Int.MAX_VALUE, "BINARY" to Int.MAX_VALUE)

        /** Hive-style pattern match; a null pattern matches everything. */
        fun matches(pattern: String?, name: String): Boolean {
            if (pattern == null) return true
            return pattern.split('|').any { alt ->
                val re = buildString {
                    for (ch in alt.trim()) when (ch) {
                        '*', '%' -> append(".*")
                        '.', '_' -> append('.')
                        else -> append(Regex.escape(ch.toString()))
                    }
                }
                Regex(re, RegexOption.IGNORE_CASE).matches(name)
            }
        }

        /** A literal table as a DuckDB query with the given column names and DuckDB types. */
        fun table(columns: List<Pair<String, String>>, rows: List<List<Any?>>): Translated.Sql {
            val select = columns.joinToString(", ") { (n, t) -> "CAST(NULL AS $t) AS ${DuckSql.ident(n)}" }
            if (rows.isEmpty()) return Translated.Sql("SELECT $select WHERE false", emptyList(), "SELECT")
            val values = rows.joinToString(",\n") { r ->
                r.mapIndexed { i, v -> literal(v, columns[i].second) }.joinToString(", ", "(", ")")
            }
            val names = columns.indices.joinToString(", ") { "c$it" }
            val proj = columns.mapIndexed { i, (n, t) -> "CAST(c$i AS $t) AS ${DuckSql.ident(n)}" }.joinToString(", ")
            return Translated.Sql("SELECT $proj FROM (VALUES $values) AS v($names)", emptyList(), "SELECT")
        }

        private fun literal(v: Any?, type: String): String = when (v) {
            null -> "CAST(NULL AS $type)"
            is Boolean -> if (v) "true" else "false"
            is Number -> v.toString()
            else -> DuckSql.string(v.toString())
        }
    }
}
