package dev.dbsql.spark

import dev.dbsql.core.NonTransientDatabricksSqlException
import org.apache.spark.SparkContext
import org.apache.spark.sql.SparkSession
import org.apache.spark.sql.connector.catalog.SupportsRead
import org.apache.spark.sql.connector.catalog.TableCapability
import org.apache.spark.sql.connector.read.Scan
import org.apache.spark.sql.connector.read.ScanBuilder
import org.apache.spark.sql.connector.read.SupportsPushDownRequiredColumns
import org.apache.spark.sql.types.StructType
import org.apache.spark.sql.util.CaseInsensitiveStringMap

/**
 * The result of the data source's statement as a Spark table (batch reads only). It holds at most
 * one statement not yet read by an action (the one run by `load()`), and one per SQL execution
 * that reads it; see [DbsqlDataSource] for their lifetime. Used on the driver; thread-safe.
 */
internal class DbsqlTable(
    val options: DbsqlReadOptions,
    private val schema: StructType,
    spare: DriverStatement?,
) : SupportsRead {
    private var spare: DriverStatement? = spare
    private val byExecution = HashMap<Long, DriverStatement>()

    override fun name(): String = "dbsql(${options.sql.take(60).replace('\n', ' ')})"

    @Deprecated("Spark's Table.schema() is deprecated in favour of columns(); Spark still calls it")
    override fun schema(): StructType = schema

    override fun capabilities(): MutableSet<TableCapability> = mutableSetOf(TableCapability.BATCH_READ)

    override fun newScanBuilder(options: CaseInsensitiveStringMap): ScanBuilder = Builder()

    /**
     * The statement the current Spark SQL execution reads: the same for every scan of this table in
     * that execution. The first execution takes the spare statement (run by `load()`); later ones
     * run the statement again. Outside an execution (e.g. `explain()`) the spare one is used, run
     * now if needed, and left for the next execution.
     * @throws ResultSchemaChangedException when a new run's columns differ from the table's schema.
     */
    @Synchronized
    fun statement(): DriverStatement {
        val sc: SparkContext = SparkSession.active().sparkContext()
        val execution = StatementCloser.currentExecution(sc)
        val current = spare?.takeIf { !it.isClosed }
        if (execution == null) {
            return current ?: run().also {
                StatementCloser.track(sc, it, null)
                spare = it
            }
        }
        byExecution[execution]?.takeIf { !it.isClosed }?.let { return it }
        byExecution.values.removeIf { it.isClosed }
        val statement = current ?: run()
        spare = null
        byExecution[execution] = statement
        StatementCloser.track(sc, statement, execution)
        return statement
    }

    private fun run(): DriverStatement {
        val statement = DriverStatement.execute(options)
        val now = SchemaMapping.schemaOf(statement.result.manifest)
        if (now.fields().map { it.name() to it.dataType() } != schema.fields().map { it.name() to it.dataType() }) {
            statement.close()
            throw ResultSchemaChangedException(
                "the statement's result columns changed since the DataFrame was loaded: now ${now.simpleString()}, " +
                    "loaded as ${schema.simpleString()}; load it again",
                statement.result.statementId,
            )
        }
        return statement
    }

    private inner class Builder : ScanBuilder, SupportsPushDownRequiredColumns {
        private var required: StructType = schema

        override fun pruneColumns(requiredSchema: StructType) {
            required = requiredSchema
        }

        override fun build(): Scan {
            val names = schema.fieldNames().toList()
            val columns = required.fieldNames().map { n -> names.indexOf(n).also { check(it >= 0) { "no column $n in $names" } } }
            return DbsqlScan(this@DbsqlTable, required, columns.toIntArray())
        }
    }
}

/** A later run of a DataFrame's statement returned other columns than the ones it was loaded with. */
public class ResultSchemaChangedException(message: String, statementId: String?) :
    NonTransientDatabricksSqlException(message, null, statementId)
