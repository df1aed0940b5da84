package dev.dbsql.warehouse.engine

/** What a Databricks statement turns into. */
internal sealed class Translated {
    /** Plain SQL for DuckDB, with one bound text value per `?` in [sql]. */
    data class Sql(val sql: String, val binds: List<String>, val firstWord: String) : Translated()
    /** `USE CATALOG c`, `USE SCHEMA s`, `USE c.s`: Databricks names, null where unchanged. */
    data class Use(val catalog: String?, val schema: String?) : Translated()
    /** `SHOW ...`: the significant tokens after `SHOW`. */
    data class Show(val tokens: List<Token>) : Translated()
    /** `DESCRIBE [QUERY] q` / `DESCRIBE [TABLE] t`: a query whose result columns are described. */
    data class Describe(val query: Sql) : Translated()
    /** `CREATE CATALOG [IF NOT EXISTS] c` / `DROP CATALOG [IF EXISTS] c [CASCADE]`. */
    data class Catalog(val create: Boolean, val name: String, val ifClause: Boolean) : Translated()
}

/**
 * Rewrites Databricks SQL into DuckDB SQL, token by token (string literals, comments and quoted
 * identifiers are never touched by accident):
 * `range(n)` in a FROM clause yields column `id`; Databricks type names in `CAST`, `::`, typed
 * literals and `CREATE TABLE` column lists become DuckDB types; catalog `main` becomes DuckDB's
 * [Catalogs.MAIN_INTERNAL]; `default` next to a dot is quoted; backtick identifiers become
 * double-quoted ones; double-quoted strings become single-quoted; `X'..'` becomes `from_hex('..')`;
 * parameter markers become `CAST(? AS type)` bound to the parameter's text.
 */
internal object SqlTranslator {
    fun translate(sql: String, params: List<SqlParameter>): Translated {
        val all = SqlLexer.tokenize(sql)
        val lastSig = all.indexOfLast { !it.isTrivia }
        val tokens = if (lastSig >= 0 && all[lastSig].isSymbol(";")) all.subList(0, lastSig) else all
        val sig = tokens.filter { !it.isTrivia }.let { s -> if (s.lastOrNull()?.isSymbol(";") == true) s.dropLast(1) else s }
        val first = sig.firstOrNull()
        if (first != null && first.isWord("USE")) return use(sig.drop(1))
        if (first != null && first.isWord("SHOW")) return Translated.Show(sig.drop(1))
        if (first != null && (first.isWord("DESCRIBE") || first.isWord("DESC"))) return describe(tokens, params)
        catalogStatement(sig)?.let { return it }
        return Rewriter(tokens, params).run()
    }

    private fun describe(tokens: List<Token>, params: List<SqlParameter>): Translated {
        val sigIdx = tokens.indices.filter { !tokens[it].isTrivia }
        var k = 1
        val second = tokens.getOrNull(sigIdx.getOrElse(1) { tokens.size })
        val isQuery = second?.isWord("QUERY") == true
        if (isQuery || second?.isWord("TABLE") == true) k = 2
        if (tokens.getOrNull(sigIdx.getOrElse(k) { tokens.size })?.isWord("EXTENDED") == true) k++
        val rest = tokens.subList(sigIdx.getOrElse(k) { tokens.size }, tokens.size)
        val restSig = rest.filter { !it.isTrivia }
        if (restSig.isEmpty()) throw SqlFailures.parse("Syntax error at or near DESCRIBE: nothing to describe.")
        val startsQuery = restSig[0].let { t -> listOf("SELECT", "WITH", "VALUES", "FROM", "TABLE").any { t.isWord(it) } || t.isSymbol("(") }
        val body = if (isQuery || startsQuery) rest else SqlLexer.tokenize("SELECT * FROM ") + rest
        return Translated.Describe(Rewriter(body, params).run())
    }

    private fun catalogStatement(sig: List<Token>): Translated? {
        if (sig.size < 3 || !sig[1].isWord("CATALOG")) return null
        val create = sig[0].isWord("CREATE")
        if (!create && !sig[0].isWord("DROP")) return null
        var i = 2
        var ifClause = false
        if (create && sig[i].isWord("IF") && sig.getOrNull(i + 1)?.isWord("NOT") == true && sig.getOrNull(i + 2)?.isWord("EXISTS") == true) { ifClause = true; i += 3 }
        if (!create && sig[i].isWord("IF") && sig.getOrNull(i + 1)?.isWord("EXISTS") == true) { ifClause = true; i += 2 }
        val name = sig.getOrNull(i)?.takeIf { it.isIdentifier } ?: throw SqlFailures.parse("Syntax error: catalog name expected.")
        val tail = sig.drop(i + 1)
        if (tail.isNotEmpty() && !(tail.size == 1 && (tail[0].isWord("CASCADE") || tail[0].isWord("RESTRICT"))) && !tail[0].isWord("COMMENT")) {
            throw SqlFailures.parse("Syntax error at or near '${tail[0].text}'.")
        }
        return Translated.Catalog(create, name.value, ifClause)
    }

    private fun use(rest: List<Token>): Translated {
        var r = rest
        val what = r.firstOrNull()?.takeIf { it.kind == TokenKind.WORD }?.text?.uppercase()
        if (what == "CATALOG" && r.size == 2) return Translated.Use(r[1].value, null)
        if ((what == "SCHEMA" || what == "DATABASE") && r.size >= 2) r = r.drop(1)
        return when {
            r.size == 1 && r[0].isIdentifier -> Translated.Use(null, r[0].value)
            r.size == 3 && r[1].isSymbol(".") -> Translated.Use(r[0].value, r[2].value)
            else -> throw SqlFailures.parse("Syntax error at or near USE: expected USE [CATALOG | SCHEMA] name.")
        }
    }

    private val TABLE_CLAUSE_WORDS = setOf("FROM", "JOIN")
    private val CLAUSE_WORDS = setOf("SELECT", "WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "ON", "USING", "UNION",
        "INTERSECT", "EXCEPT", "QUALIFY", "WINDOW", "SET", "VALUES", "RETURNING")
    private val CONSTRAINT_WORDS = setOf("CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN")
    private val TYPED_LITERALS = mapOf("TIMESTAMP" to "TIMESTAMPTZ", "TIMESTAMP_LTZ" to "TIMESTAMPTZ", "TIMESTAMP_NTZ" to "TIMESTAMP")

    private class Rewriter(val tokens: List<Token>, val params: List<SqlParameter>) {
        val out = StringBuilder()
        val binds = ArrayList<String>()
        var positional = 0
        var depth = 0
        /** Paren depth → what the paren belongs to ("cast", "columns", "range"). */
        val parenKind = HashMap<Int, String>()
        val clauseAtDepth = HashMap<Int, String>()
        var columnDefExpected = false
        var createTableStatement = false
        val sig = tokens.indices.filter { !tokens[it].isTrivia }

        fun prevSig(i: Int): Token? { var p = i - 1; while (p >= 0 && tokens[p].isTrivia) p--; return tokens.getOrNull(p) }
        fun nextSigIndex(i: Int): Int { var p = i + 1; while (p < tokens.size && tokens[p].isTrivia) p++; return p }
        fun nextSig(i: Int): Token? = tokens.getOrNull(nextSigIndex(i))

        fun run(): Translated.Sql {
            val firstWord = sig.firstOrNull()?.let { tokens[it].text.uppercase() } ?: ""
            val createTable = isCreateTable()
            createTableStatement = createTable
            var i = 0
            while (i < tokens.size) {
                i = step(i, createTable)
            }
            return Translated.Sql(out.toString(), binds, firstWord)
        }

        fun isCreateTable(): Boolean {
            val words = sig.take(6).map { tokens[it].text.uppercase() }
            if (words.firstOrNull() != "CREATE") return false
            val tableAt = words.indexOf("TABLE")
            return tableAt in 1..4 && words.subList(1, tableAt).all { it in setOf("OR", "REPLACE", "TEMP", "TEMPORARY") }
        }

        /** Writes the DuckDB form of the type starting after index [i]; returns the next index. */
        fun typeAt(i: Int): Int {
            val r = DbxTypeSyntax(tokens, i, strict = false)
            val t = r.read() ?: throw SqlFailures.parse("Syntax error: a type was expected.")
            out.append(' ').append(t)
            return r.pos
        }

        fun step(i: Int, createTable: Boolean): Int {
            val t = tokens[i]
            when (t.kind) {
                TokenKind.WHITESPACE, TokenKind.COMMENT -> out.append(t.text)
                TokenKind.STRING -> out.append(DuckSql.string(t.value))
                TokenKind.NUMBER -> out.append(t.text)
                TokenKind.QUOTED_IDENT -> out.append(identifier(i, t))
                TokenKind.NAMED_PARAM -> bind(params.firstOrNull { it.name == t.value && it.ordinal == null }
                    ?: params.firstOrNull { it.name == t.value }, t.value)
                TokenKind.POSITIONAL_PARAM -> {
                    positional++
                    bind(params.firstOrNull { it.ordinal == positional && it.name == null }
                        ?: params.firstOrNull { it.ordinal == positional }, "?$positional")
                }
                TokenKind.SYMBOL -> return symbol(i, t, createTable)
                TokenKind.WORD -> return word(i, t)
            }
            return i + 1
        }

        fun symbol(i: Int, t: Token, createTable: Boolean): Int {
            when (t.text) {
                "(" -> {
                    depth++
                    if (createTable && depth == 1 && parenKind[1] == null && !clauseAtDepth.containsKey(0)) {
                        parenKind[1] = "columns"; columnDefExpected = true
                    }
                    out.append("(")
                    return if (columnDefExpected && parenKind[depth] == "columns") columnDef(i + 1) else i + 1
                }
                ")" -> {
                    out.append(")")
                    if (parenKind.remove(depth) == "range") out.append(")")
                    clauseAtDepth.remove(depth)
                    depth--
                }
                "," -> {
                    if (parenKind[depth] == "from_json") return fromJsonSchema(i)
                    out.append(",")
                    if (parenKind[depth] == "columns") return columnDef(i + 1)
                }
                "::" -> { out.append("::"); return typeAt(i + 1) }
                else -> out.append(t.text)
            }
            return i + 1
        }

        /** At the `,` of `from_json(json, 'schema')`: writes ` AS JSON) AS <type>)` and returns the index past `)`. */
        fun fromJsonSchema(comma: Int): Int {
            val si = nextSigIndex(comma)
            val schema = tokens.getOrNull(si)
            val close = nextSigIndex(si)
            if (schema?.kind != TokenKind.STRING || tokens.getOrNull(close)?.isSymbol(")") != true) {
                throw SqlFailures.of("INVALID_SCHEMA.NON_STRING_LITERAL", "42K07", "from_json needs its schema as a string literal, e.g. 'ARRAY<BIGINT>'.")
            }
            val typeTokens = SqlLexer.tokenize(schema.value)
            val reader = DbxTypeSyntax(typeTokens, 0, strict = true)
            val duck = reader.read()
            if (duck == null || !typeTokens.drop(reader.pos).all { it.isTrivia }) {
                throw SqlFailures.of("INVALID_SCHEMA.PARSE_ERROR", "42K07", "Cannot parse the schema '${schema.value.take(100)}' of from_json.")
            }
            out.append(" AS JSON) AS ").append(duck).append(")")
            parenKind.remove(depth)
            clauseAtDepth.remove(depth)
            depth--
            return close + 1
        }

        /** After `(` or `,` of a CREATE TABLE column list: `name type ...` unless a constraint follows. */
        fun columnDef(i: Int): Int {
            val ni = nextSigIndex(i - 1)
            val n = tokens.getOrNull(ni) ?: return i
            if (!n.isIdentifier || (n.kind == TokenKind.WORD && n.text.uppercase() in CONSTRAINT_WORDS)) return i
            for (k in i until ni) out.append(tokens[k].text)
            out.append(identifier(ni, n))
            return typeAt(ni + 1)
        }

        fun word(i: Int, t: Token): Int {
            val upper = t.text.uppercase()
            if (createTableStatement && depth == 0 && upper == "USING" && tokens.getOrNull(nextSigIndex(i))?.kind == TokenKind.WORD) {
                return nextSigIndex(i) + 1
            }
            if (createTableStatement && depth <= 1 && upper == "COMMENT" && tokens.getOrNull(nextSigIndex(i))?.kind == TokenKind.STRING) {
                return nextSigIndex(i) + 1
            }
            if (createTableStatement && depth == 0 && (upper == "TBLPROPERTIES" || upper == "OPTIONS") && nextSig(i)?.isSymbol("(") == true) {
                var p = nextSigIndex(i)
                var d = 0
                while (p < tokens.size) {
                    if (tokens[p].isSymbol("(")) d++ else if (tokens[p].isSymbol(")")) { d--; if (d == 0) break }
                    p++
                }
                return p + 1
            }
            val next = nextSig(i)
            val prev = prevSig(i)
            if (upper in TABLE_CLAUSE_WORDS || upper in CLAUSE_WORDS) clauseAtDepth[depth] = upper
            if (upper == "AS" && parenKind[depth] == "cast") { out.append(t.text); return typeAt(i + 1) }
            if ((upper == "CAST" || upper == "TRY_CAST") && next?.isSymbol("(") == true) {
                out.append(t.text)
                val p = nextSigIndex(i)
                for (k in i + 1 until p) out.append(tokens[k].text)
                depth++; parenKind[depth] = "cast"; out.append("(")
                return p + 1
            }
            if (upper == "FROM_JSON" && next?.isSymbol("(") == true && prev?.isSymbol(".") != true) {
                // from_json(json, 'schema') → CAST(CAST(json AS JSON) AS duck type); the schema must be a literal
                val p = nextSigIndex(i)
                out.append("CAST(CAST(")
                depth++; parenKind[depth] = "from_json"
                return p + 1
            }
            if (upper == "EXPLODE" && next?.isSymbol("(") == true && prev?.isSymbol(".") != true) {
                out.append("unnest")
                return i + 1
            }
            if (upper == "X" && tokens.getOrNull(i + 1)?.kind == TokenKind.STRING) {
                out.append("from_hex(").append(DuckSql.string(tokens[i + 1].value)).append(")")
                return i + 2
            }
            val literalType = TYPED_LITERALS[upper]
            if (literalType != null && tokens.getOrNull(nextSigIndex(i))?.kind == TokenKind.STRING && prev?.isSymbol(".") != true) {
                val s = nextSigIndex(i)
                out.append("CAST(").append(DuckSql.string(tokens[s].value)).append(" AS ").append(literalType).append(")")
                return s + 1
            }
            if (upper == "RANGE" && next?.isSymbol("(") == true && prev?.isSymbol(".") != true &&
                (prev?.let { it.kind == TokenKind.WORD && it.text.uppercase() in TABLE_CLAUSE_WORDS } == true ||
                    (prev?.isSymbol(",") == true && clauseAtDepth[depth] == "FROM"))
            ) {
                val p = nextSigIndex(i)
                out.append("(SELECT range AS id FROM range(")
                depth++; parenKind[depth] = "range"
                return p + 1
            }
            if (upper == "CURRENT_DATABASE" && next?.isSymbol("(") == true) { out.append("current_schema"); return i + 1 }
            out.append(identifier(i, t))
            return i + 1
        }

        /** Identifier text for DuckDB: catalog `main` renamed in dotted names, `default` quoted next to dots. */
        fun identifier(i: Int, t: Token): String {
            val prevDot = tokens.getOrNull(i - 1)?.isSymbol(".") == true
            val nextDot = tokens.getOrNull(i + 1)?.isSymbol(".") == true
            if (!prevDot && nextDot && t.value.equals(Catalogs.MAIN, ignoreCase = true) &&
                tokens.getOrNull(i + 2)?.isIdentifier == true && tokens.getOrNull(i + 3)?.isSymbol(".") == true
            ) return DuckSql.ident(Catalogs.MAIN_INTERNAL)
            if (t.kind == TokenKind.QUOTED_IDENT) return DuckSql.ident(t.value)
            if ((prevDot || nextDot) && t.text.equals("default", ignoreCase = true)) return DuckSql.ident(t.text.lowercase())
            return t.text
        }

        fun bind(p: SqlParameter?, name: String) {
            if (p == null) throw SqlFailures.of("UNBOUND_SQL_PARAMETER", "42P02",
                "Found the unbound parameter: $name. Please, fix `args` and provide a mapping of the parameter to a SQL literal.")
            val typeText = p.type?.takeIf { it.isNotBlank() } ?: "STRING"
            val duck = DbxTypeSyntax.forParameter(typeText) ?: throw SqlFailures.of("UNSUPPORTED_DATATYPE", "0A000",
                "Unsupported data type \"$typeText\" of parameter $name.")
            val value = p.value
            when {
                duck == "\"NULL\"" || value == null -> out.append(if (duck == "\"NULL\"") "NULL" else "CAST(NULL AS $duck)")
                duck == "BLOB" -> { out.append("from_base64(CAST(? AS VARCHAR))"); binds += value }
                duck == "INTERVAL" -> { out.append("CAST(? AS INTERVAL)"); binds += IntervalParams.toDuck(typeText, value, name) }
                else -> { out.append("CAST(? AS $duck)"); binds += value }
            }
        }
    }
}
