package dev.dbsql.warehouse.engine

import org.duckdb.DuckDBConnection
import org.duckdb.DuckDBResultSetMetaData
import org.duckdb.StatementReturnType
import java.sql.PreparedStatement
import java.sql.SQLException
import java.time.ZoneId
import java.util.concurrent.atomic.AtomicBoolean

/**
 * One session on [DuckDbEngine]: a DuckDB connection, its current catalog / schema and time zone.
 * [run] is called by one thread at a time; [cancel] may be called from any thread.
 */
internal class DuckDbContext(
    private val engine: DuckDbEngine,
    private val conn: DuckDBConnection,
    conf: Map<String, String>,
) : EngineContext {
    @Volatile override var currentCatalog: String = Catalogs.MAIN
        private set
    @Volatile override var currentSchema: String = Catalogs.DEFAULT_SCHEMA
        private set
    @Volatile private var active: PreparedStatement? = null
    @Volatile private var canceled = false
    private val closed = AtomicBoolean(false)
    private val running = AtomicBoolean(false)
    /** The session's time zone (session conf `timezone`, default [DuckDbEngine.settings]). */
    private val sessionZone: ZoneId
    /** `ansi_mode` from the session conf (default true): whether division by zero fails or yields NULL. */
    private val sessionAnsi: Boolean
    /** The time zone of the statement now running: the session's unless its `statement_conf` names one. */
    @Volatile var zone: ZoneId
        private set
    /** `ansi_mode` of the statement now running. */
    @Volatile var ansiMode: Boolean
        private set

    init {
        sessionZone = zoneOf(conf) ?: zoneOf(mapOf("timezone" to engine.settings.defaultTimeZone))!!
        sessionAnsi = ansiOf(conf) ?: true
        zone = sessionZone
        ansiMode = sessionAnsi
        conn.createStatement().use { s ->
            s.execute("SET TimeZone = ${DuckSql.string(zone.id)}")
            // ANSI: division by zero fails (DIVIDE_BY_ZERO); otherwise it yields NULL as in Spark without ANSI mode
            s.execute("SET SESSION ieee_floating_point_ops = false")
            s.execute("SET SESSION error_on_division_by_zero = $ansiMode")
            s.execute("CREATE OR REPLACE TEMP MACRO current_catalog() AS (CASE current_database() WHEN " +
                "${DuckSql.string(Catalogs.MAIN_INTERNAL)} THEN ${DuckSql.string(Catalogs.MAIN)} ELSE current_database() END)")
        }
    }

    /** Switches DuckDB to [z] / [ansi] when they differ from what it has now. */
    private fun apply(z: ZoneId, ansi: Boolean) {
        if (z == zone && ansi == ansiMode) return
        conn.createStatement().use { s ->
            if (z != zone) s.execute("SET TimeZone = ${DuckSql.string(z.id)}")
            if (ansi != ansiMode) s.execute("SET SESSION error_on_division_by_zero = $ansi")
        }
        zone = z
        ansiMode = ansi
    }

    fun useInitial(catalog: String, schema: String) = use(catalog, schema)

    /** `USE`: switches DuckDB's current database / schema and remembers the Databricks names. */
    private fun use(catalog: String?, schema: String?) {
        val cat = catalog ?: currentCatalog
        val sch = schema ?: if (catalog != null) Catalogs.DEFAULT_SCHEMA else currentSchema
        val duckCat = Catalogs.toDuck(cat)
        val known = queryStrings("SELECT database_name FROM duckdb_databases() WHERE database_name = ?", duckCat)
        if (known.isEmpty() || duckCat in Catalogs.HIDDEN) throw SqlFailures.catalogNotFound(cat)
        val schemas = queryStrings("SELECT schema_name FROM duckdb_schemas() WHERE database_name = ? AND lower(schema_name) = lower(?)", duckCat, sch)
        if (schemas.isEmpty()) throw SqlFailures.schemaNotFound(cat, sch)
        conn.createStatement().use { it.execute("USE ${DuckSql.ident(duckCat)}.${DuckSql.ident(schemas[0])}") }
        currentCatalog = Catalogs.fromDuck(duckCat)
        currentSchema = schemas[0]
    }

    /** A small metadata query on this connection: first column of every row as text. */
    fun queryStrings(sql: String, vararg args: String): List<String> = queryRows(sql, *args).map { it[0] as String }

    fun queryRows(sql: String, vararg args: String): List<List<Any?>> = conn.prepareStatement(sql).use { ps ->
        args.forEachIndexed { i, a -> ps.setString(i + 1, a) }
        ps.executeQuery().use { rs ->
            val n = rs.metaData.columnCount
            buildList { while (rs.next()) add((1..n).map { rs.getObject(it) }) }
        }
    }

    override fun run(sql: String, params: List<SqlParameter>, options: RunOptions): StoredResult {
        check(!closed.get()) { "context is closed" }
        check(running.compareAndSet(false, true)) { "a statement is already running on this context" }
        canceled = false
        try {
            apply(zoneOf(options.conf) ?: sessionZone, ansiOf(options.conf) ?: sessionAnsi)
            return when (val t = SqlTranslator.translate(sql, params)) {
                is Translated.Use -> { use(t.catalog, t.schema); StoredResultImpl.empty(emptyList(), options.format, options.lz4) }
                is Translated.Show -> execute(ShowCommands(this).plan(t.tokens), options)
                is Translated.Sql -> execute(t, options)
                is Translated.Describe -> execute(describe(t.query), options)
                is Translated.Catalog -> { catalog(t); StoredResultImpl.empty(emptyList(), options.format, options.lz4) }
            }
        } catch (e: SQLException) {
            if (canceled || SqlFailures.isInterrupt(e)) throw QueryCanceled()
            throw SqlFailures.fromDuck(e)
        } finally {
            active = null
            try {
                apply(sessionZone, sessionAnsi)
            } catch (e: SQLException) {
                close() // a session whose settings cannot be restored must not run more statements
            }
            running.set(false)
        }
    }

    /** `DESCRIBE`: the Databricks types of the query's result columns (`col_name`, `data_type`, `comment`). */
    private fun describe(q: Translated.Sql): Translated.Sql {
        val cols = prepare(q.sql, q.binds).use { columnsOf(it) }
        return ShowCommands.table(
            listOf("col_name" to "VARCHAR", "data_type" to "VARCHAR", "comment" to "VARCHAR"),
            cols.map { (name, type) -> listOf(name, TypeMapping.dbx(TypeMapping.normalize(type)).typeText, null) },
        )
    }

    /** `CREATE CATALOG` attaches a new in-memory database with schema `default`; `DROP CATALOG` detaches it. */
    private fun catalog(t: Translated.Catalog) {
        val duck = Catalogs.toDuck(t.name)
        val exists = duck !in Catalogs.HIDDEN &&
            queryStrings("SELECT database_name FROM duckdb_databases() WHERE database_name = ?", duck).isNotEmpty()
        conn.createStatement().use { s ->
            if (t.create) {
                if (exists) {
                    if (t.ifClause) return
                    throw SqlFailures.of("CATALOG_ALREADY_EXISTS", "42P04", "Cannot create catalog `${t.name}` because it already exists.")
                }
                if (duck in Catalogs.HIDDEN) throw SqlFailures.of("INVALID_SQL_SYNTAX", "42000", "The catalog name `${t.name}` is reserved.")
                s.execute("ATTACH ':memory:' AS ${DuckSql.ident(duck)}")
                s.execute("CREATE SCHEMA ${DuckSql.ident(duck)}.${DuckSql.ident(Catalogs.DEFAULT_SCHEMA)}")
            } else {
                if (!exists) { if (t.ifClause) return; throw SqlFailures.catalogNotFound(t.name) }
                if (duck == Catalogs.MAIN_INTERNAL || duck == Catalogs.toDuck(currentCatalog)) {
                    throw SqlFailures.of("INVALID_SQL_SYNTAX", "42000", "Cannot drop catalog `${t.name}`: it is the default or the current catalog.")
                }
                s.execute("DETACH ${DuckSql.ident(duck)}")
            }
        }
    }

    private fun prepare(sql: String, binds: List<String>): PreparedStatement {
        val ps = conn.prepareStatement(sql)
        active = ps
        if (canceled) { ps.close(); throw QueryCanceled() }
        binds.forEachIndexed { i, v -> ps.setString(i + 1, v) }
        return ps
    }

    private fun execute(t: Translated.Sql, options: RunOptions): StoredResult {
        var ps = prepare(t.sql, t.binds)
        try {
            val md = ps.metaData.unwrap(DuckDBResultSetMetaData::class.java)
            when (md.returnType) {
                StatementReturnType.CHANGED_ROWS -> {
                    val n = ps.executeLargeUpdate()
                    ps.close()
                    val sql = if (t.firstWord == "INSERT") "SELECT CAST($n AS BIGINT) AS num_affected_rows, CAST($n AS BIGINT) AS num_inserted_rows"
                    else "SELECT CAST($n AS BIGINT) AS num_affected_rows"
                    ps = prepare(sql, emptyList())
                    return QueryRunner(this, engine, options).run(ps, sql, emptyList(), columnsOf(ps))
                }
                StatementReturnType.NOTHING -> {
                    ps.execute()
                    return StoredResultImpl.empty(emptyList(), options.format, options.lz4)
                }
                else -> {
                    val wrappable = t.firstWord in WRAPPABLE
                    val cols = columnsOf(ps.metaData).let { described ->
                        if (wrappable && t.binds.isNotEmpty() && described.any { it.second == UNRESOLVED }) columnsByRunning(t) else described
                    }
                    if (wrappable && cols.any { TypeMapping.normalize(it.second) != it.second }) {
                        ps.close()
                        val wrapped = wrap(t.sql, cols)
                        ps = prepare(wrapped, t.binds)
                        return QueryRunner(this, engine, options).run(ps, wrapped, t.binds, columnsOf(ps))
                    }
                    return QueryRunner(this, engine, options).run(ps, t.sql, t.binds, cols)
                }
            }
        } finally {
            ps.close()
        }
    }

    private fun columnsOf(ps: PreparedStatement): List<Pair<String, DuckType>> = columnsOf(ps.metaData)

    /**
     * The columns of a query DuckDB cannot describe before it runs (a parameter inside a table
     * function, `range(?)`, leaves every column `unknown UNKNOWN`): run it with no rows and read
     * the columns of the answer.
     */
    private fun columnsByRunning(t: Translated.Sql): List<Pair<String, DuckType>> =
        prepare("SELECT * FROM (${t.sql}\n) AS q LIMIT 0", t.binds).use { probe ->
            probe.executeQuery().use { rs -> columnsOf(rs.metaData) }
        }

    private fun columnsOf(md: java.sql.ResultSetMetaData): List<Pair<String, DuckType>> {
        return (1..md.columnCount).map { i ->
            val text = md.getColumnTypeName(i)
            md.getColumnName(i) to (runCatching { DuckType.parse(text) }.getOrNull() ?: DuckType.Scalar(text.uppercase()))
        }
    }

    private val UNRESOLVED = DuckType.Scalar("UNKNOWN")

    /** Casts the columns without a Databricks twin inside DuckDB. */
    private fun wrap(sql: String, cols: List<Pair<String, DuckType>>): String {
        val aliases = cols.indices.joinToString(", ") { "c$it" }
        val select = cols.mapIndexed { i, (name, type) ->
            val norm = TypeMapping.normalize(type)
            val expr = if (norm == type) "q.c$i" else "CAST(q.c$i AS ${norm.sql()})"
            "$expr AS ${DuckSql.ident(name)}"
        }.joinToString(", ")
        return "SELECT $select FROM ($sql\n) AS q($aliases)"
    }

    /** Runs [sql] only for the error it raises (see [QueryRunner]). */
    fun diagnose(sql: String, binds: List<String>) {
        prepare(sql, binds).use { it.execute() }
    }

    fun checkCanceled() { if (canceled) throw QueryCanceled() }

    override fun cancel() {
        canceled = true
        runCatching { active?.cancel() }
    }

    override fun close() {
        if (!closed.compareAndSet(false, true)) return
        cancel()
        engine.forget(this)
        runCatching { conn.close() }
    }

    companion object {
        /** The zone `timezone` (or `spark.sql.session.timeZone`) in [conf] names; null when none does. */
        fun zoneOf(conf: Map<String, String>): ZoneId? {
            val tz = conf.entries.firstOrNull { it.key.equals("timezone", true) || it.key.equals("spark.sql.session.timeZone", true) }?.value
                ?: return null
            return try { ZoneId.of(tz) } catch (e: Exception) {
                throw SqlFailures.of("INVALID_CONF_VALUE.TIME_ZONE", "22022", "The value '$tz' in the config \"timezone\" is invalid. Cannot resolve the given timezone.")
            }
        }

        /** `ansi_mode` in [conf] (`false` turns it off); null when absent. */
        fun ansiOf(conf: Map<String, String>): Boolean? =
            conf.entries.firstOrNull { it.key.equals("ansi_mode", true) }?.value?.let { !it.trim().equals("false", true) }

        private val WRAPPABLE = setOf("SELECT", "WITH", "VALUES", "FROM", "TABLE", "(")
    }
}
