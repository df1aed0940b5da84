package dev.dbsql.warehouse.engine

import org.apache.arrow.memory.BufferAllocator
import org.apache.arrow.memory.RootAllocator
import org.duckdb.DuckDBConnection
import org.slf4j.LoggerFactory
import java.nio.file.Files
import java.nio.file.Path
import java.sql.DriverManager
import java.sql.SQLException
import java.util.Properties
import java.util.concurrent.atomic.AtomicBoolean

/** Settings of a [DuckDbEngine]. */
data class EngineSettings(
    /** Where chunk files go; null means a fresh temporary directory that [DuckDbEngine.close] deletes. */
    val spillDir: Path? = null,
    /** Create the read-only-by-convention `samples` catalog (tpch, nyctaxi) at start-up. */
    val createSamples: Boolean = true,
    /** DuckDB worker threads; null keeps DuckDB's default (one per core). */
    val threads: Int? = null,
    /** DuckDB memory limit such as `"4GB"`; null keeps DuckDB's default. */
    val memoryLimit: String? = null,
    /** Session time zone when a context's conf names none. */
    val defaultTimeZone: String = "Etc/UTC",
    /** Bytes one result may keep on the heap before its chunks go to files. */
    val inMemoryResultBytes: Long = 4L * 1024 * 1024,
    /** Upper bound of rows DuckDB puts into one exported Arrow batch. */
    val maxBatchRows: Int = 1 shl 20,
)

/** Databricks catalog names and the DuckDB databases behind them. */
internal object Catalogs {
    const val MAIN = "main"
    /** DuckDB reserves the name `main`, so the Databricks catalog `main` is this DuckDB database. */
    const val MAIN_INTERNAL = "dbsql_main"
    const val DEFAULT_SCHEMA = "default"
    val HIDDEN = setOf("system", "temp", "memory")

    fun toDuck(catalog: String): String = if (catalog.equals(MAIN, ignoreCase = true)) MAIN_INTERNAL else catalog.lowercase()
    fun fromDuck(database: String): String = if (database == MAIN_INTERNAL) MAIN else database
}

/**
 * The query engine of the local warehouse: one in-memory DuckDB database with the catalogs `main`
 * (schema `default`) and, optionally, `samples`. Thread-safe: any thread may [openContext]; each
 * [EngineContext] is one DuckDB connection used by one thread at a time. [close] closes the
 * database and every context, deletes the spill directory when the engine created it, and
 * closes the Arrow root allocator (all results must be closed first).
 */
class DuckDbEngine(val settings: EngineSettings = EngineSettings()) : AutoCloseable {
    private val log = LoggerFactory.getLogger(DuckDbEngine::class.java)
    private val closed = AtomicBoolean(false)
    private val ownsSpillDir = settings.spillDir == null
    internal val spillDir: Path = settings.spillDir?.also { Files.createDirectories(it) }
        ?: Files.createTempDirectory("local-warehouse-spill")
    internal val allocator: BufferAllocator = RootAllocator()
    private val database: DuckDBConnection
    private val contexts = java.util.concurrent.ConcurrentHashMap.newKeySet<DuckDbContext>()
    /** Threads that read DuckDB's Arrow export ahead of the chunk writer (one per running statement). */
    internal val pool: java.util.concurrent.ExecutorService = java.util.concurrent.Executors.newCachedThreadPool { r ->
        Thread(r, "duckdb-export").apply { isDaemon = true }
    }

    init {
        val props = Properties()
        props.setProperty("jdbc_stream_results", "true")
        database = DriverManager.getConnection("jdbc:duckdb:", props) as DuckDBConnection
        try {
            database.createStatement().use { s ->
                settings.threads?.let { s.execute("SET threads = $it") }
                settings.memoryLimit?.let { s.execute("SET memory_limit = ${DuckSql.string(it)}") }
                s.execute("SET temp_directory = ${DuckSql.string(spillDir.resolve("duckdb-tmp").toString())}")
                createCatalog(s, Catalogs.MAIN)
                s.execute("USE ${DuckSql.ident(Catalogs.MAIN_INTERNAL)}.${DuckSql.ident(Catalogs.DEFAULT_SCHEMA)}")
                s.execute("DETACH memory")
                if (settings.createSamples) Samples.create(s)
            }
        } catch (e: Exception) {
            database.close()
            allocator.close()
            throw e
        }
    }

    private fun createCatalog(s: java.sql.Statement, name: String) {
        val duck = DuckSql.ident(Catalogs.toDuck(name))
        s.execute("ATTACH ':memory:' AS $duck")
        s.execute("CREATE SCHEMA $duck.${DuckSql.ident(Catalogs.DEFAULT_SCHEMA)}")
    }

    /**
     * Opens a session context on [catalog] / [schema] (default `main` / `default`) with session
     * [conf] (`timezone`, `ansi_mode`; other keys are ignored).
     * @throws SqlFailure NO_SUCH_CATALOG_EXCEPTION / SCHEMA_NOT_FOUND (42704) for unknown names,
     *   INVALID_CONF_VALUE (22022) for a bad time zone.
     */
    fun openContext(catalog: String? = null, schema: String? = null, conf: Map<String, String> = emptyMap()): EngineContext {
        check(!closed.get()) { "engine is closed" }
        val conn = database.duplicate() as DuckDBConnection
        try {
            val ctx = DuckDbContext(this, conn, conf)
            ctx.useInitial(catalog ?: Catalogs.MAIN, schema ?: Catalogs.DEFAULT_SCHEMA)
            contexts += ctx
            return ctx
        } catch (e: Throwable) {
            conn.close()
            throw e
        }
    }

    internal fun forget(ctx: DuckDbContext) { contexts -= ctx }

    /** Databricks names of all catalogs, sorted. */
    fun catalogs(): List<String> = database.duplicate().use { c ->
        c.createStatement().use { s ->
            s.executeQuery("SELECT database_name FROM duckdb_databases() WHERE NOT internal").use { rs ->
                buildList { while (rs.next()) { val n = rs.getString(1); if (n !in Catalogs.HIDDEN) add(Catalogs.fromDuck(n)) } }.sorted()
            }
        }
    }

    /** Bytes currently held by Arrow buffers of running statements (0 when idle). */
    val allocatedBytes: Long get() = allocator.allocatedMemory

    override fun close() {
        if (!closed.compareAndSet(false, true)) return
        contexts.toList().forEach { runCatching { it.close() } }
        pool.shutdown()
        try { database.close() } catch (e: SQLException) { log.warn("closing DuckDB failed", e) }
        if (ownsSpillDir) spillDir.toFile().deleteRecursively()
        allocator.close()
    }
}
