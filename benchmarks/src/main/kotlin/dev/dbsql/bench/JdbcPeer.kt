@file:JvmName("JdbcPeer")

package dev.dbsql.bench

import java.sql.DriverManager

/**
 * The official peer, run in its own JVM: databricks-jdbc 3.4.5 in SEA mode against the local
 * warehouse. Each run executes the query (`executeQuery` returns once the statement finished) and
 * then iterates every row with `ResultSet.next()` only (the least a JDBC consumer can do).
 * Reports MiB/s of Arrow data for the read phase and for execute + read.
 *
 * Args: jdbcUrl sql warmSql arrowBytes warmups runs
 */
fun main(args: Array<String>) {
    val url = args[0]
    val sql = args[1]
    val warmSql = args[2]
    val mib = args[3].toLong() / MIB
    val warmups = args[4].toInt()
    val runs = args[5].toInt()
    val connection = try {
        DriverManager.getConnection(url)
    } catch (e: Throwable) {
        println("PEER-ERROR " + generateSequence(e) { it.cause }.joinToString(" <- ") { "${it.javaClass.name}: ${it.message}" })
        System.exit(3)
        return
    }
    connection.use { conn ->
        fun once(q: String): Triple<Double, Double, Long> {
            var rows = 0L
            val t0 = System.nanoTime()
            var t1 = 0L
            conn.createStatement().use { st ->
                st.executeQuery(q).use { rs ->
                    t1 = System.nanoTime()
                    while (rs.next()) rows++
                }
            }
            val t2 = System.nanoTime()
            return Triple((t1 - t0) / 1e9, (t2 - t1) / 1e9, rows)
        }
        repeat(warmups) { once(warmSql); System.err.println("jdbc warm-up ${it + 1} done") }
        val read = ArrayList<Double>()
        val total = ArrayList<Double>()
        var rows = 0L
        repeat(runs) {
            val (exec, rd, n) = once(sql)
            rows = n
            read += mib / rd
            total += mib / (exec + rd)
            System.err.println("jdbc run ${it + 1}: execute ${"%.2f".format(exec)} s, read ${"%.2f".format(rd)} s, $n rows")
        }
        ChildJvm.emit(Measure("jdbc-read", "databricks-jdbc 3.4.5 (SEA), read phase: `next()` over all rows", "MiB/s", read, higherIsBetter = true))
        ChildJvm.emit(Measure("jdbc-e2e", "databricks-jdbc 3.4.5 (SEA), `executeQuery` + read", "MiB/s", total, higherIsBetter = true))
        ChildJvm.emit(Measure("jdbc-rows", "rows seen by the driver", "rows", listOf(rows.toDouble())))
    }
}
