package dev.dbsql.spark

import org.apache.spark.sql.SparkSession
import org.apache.spark.sql.connector.catalog.Table
import org.apache.spark.sql.connector.catalog.TableProvider
import org.apache.spark.sql.connector.expressions.Transform
import org.apache.spark.sql.sources.DataSourceRegister
import org.apache.spark.sql.types.StructType
import org.apache.spark.sql.util.CaseInsensitiveStringMap

/**
 * The `dbsql` Spark data source (DataSource V2): reads the result of **one** execution of a SQL
 * statement on a Databricks SQL warehouse, split into Spark partitions of whole result chunks.
 * ```
 * spark.read.format("dbsql")
 *     .option("host", "https://my-workspace.cloud.databricks.com")
 *     .option("warehouse", "abc123")
 *     .option("tokenEnv", "DATABRICKS_TOKEN")
 *     .option("dbtable", "samples.tpch.orders")
 *     .load()
 * ```
 * Options: see [DbsqlReadOptions]. The class name `dev.dbsql.spark.DbsqlDataSource` works as the
 * format too.
 *
 * **Driver.** Loading runs the statement once (in the thread that calls `load()`) and derives the
 * schema from the result's manifest ([SchemaMapping]); no data is read on the driver. The first
 * Spark SQL execution (action) over the DataFrame reads that result; every later action runs the
 * statement again (a DataFrame reads fresh data per action, like Spark's other sources), at most
 * once per action however often the DataFrame occurs in it. A statement is closed on the server
 * when the action that read it ends, succeeded or failed; one never read is closed when the Spark
 * application ends. Results live 1 h on the warehouse: a task that starts later fails with the
 * SDK's `ResultExpiredException`, and so does the job.
 *
 * **Executors.** Each Spark partition is a contiguous range of result chunks, about
 * `partitionBytes` uncompressed (the SDK's `ResultPartition`). A task reads its range through
 * CloudFetch with a client built from the configuration (secret references resolved on that
 * executor), one per executor JVM and shared by its tasks, and hands Spark Arrow-backed columnar
 * batches without copying. A retried task reads its range again. A cancelled task stops its
 * downloads; it never cancels the statement, which belongs to the driver.
 *
 * Spark creates an instance per `load()`; it is used from the driver's planning thread only.
 */
public class DbsqlDataSource : TableProvider, DataSourceRegister {
    private var prepared: Pair<Map<String, String>, DriverStatement>? = null

    /** `dbsql`. */
    override fun shortName(): String = SHORT_NAME

    /** Runs the statement (once) and returns the schema of its result. */
    override fun inferSchema(options: CaseInsensitiveStringMap): StructType {
        val properties = HashMap(options.asCaseSensitiveMap())
        val parsed = DbsqlReadOptions.parse(properties)
        val statement = DriverStatement.execute(parsed)
        StatementCloser.track(SparkSession.active().sparkContext(), statement, null)
        prepared = properties to statement
        return SchemaMapping.schemaOf(statement.result.manifest)
    }

    /** The table over the statement executed by [inferSchema] for the same options. */
    override fun getTable(schema: StructType, partitioning: Array<out Transform>, properties: MutableMap<String, String>): Table {
        val parsed = DbsqlReadOptions.parse(properties)
        val spare = prepared?.takeIf { it.first == HashMap(properties) }?.second
        prepared = null
        return DbsqlTable(parsed, schema, spare)
    }

    public companion object {
        /** The short format name, `dbsql`. */
        public const val SHORT_NAME: String = "dbsql"
    }
}
