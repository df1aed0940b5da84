package dev.dbsql.warehouse

import dev.dbsql.warehouse.faults.Endpoint
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContain
import io.kotest.matchers.ints.shouldBeGreaterThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import java.sql.Connection
import java.sql.DriverManager
import java.sql.SQLException

/** databricks-jdbc 3.4.5 in SEA mode (protocol §15.1) against the local warehouse. */
class OfficialJdbcSpec : FunSpec({
    val warehouse = LocalWarehouse.start(WarehouseConfig(chunkRows = 50_000))
    afterSpec { warehouse.close() }

    fun connect(bounded: Boolean = false): Connection {
        Class.forName("com.databricks.client.jdbc.Driver")
        return DriverManager.getConnection(warehouse.jdbcUrl(bounded))
    }

    fun readAll(connection: Connection, rows: Int): Pair<Long, Long> = connection.createStatement().use { st ->
        st.executeQuery("SELECT * FROM range($rows)").use { rs ->
            var count = 0L
            var sum = 0L
            var expected = 0L
            while (rs.next()) {
                val v = rs.getLong(1)
                if (v != expected) throw AssertionError("row $count has $v, expected $expected")
                expected++
                count++
                sum += v
            }
            count to sum
        }
    }

    test("a large result arrives through several LZ4 external-link chunks, every row in order") {
        warehouse.admin.resetRequests()
        connect().use { c ->
            val (count, sum) = readAll(c, 200_000)
            count shouldBe 200_000L
            sum shouldBe 199_999L * 200_000L / 2
        }
        val statement = warehouse.admin.statements().last { it.text == "SELECT * FROM range(200000)" }
        statement.disposition shouldBe "INLINE_OR_EXTERNAL_LINKS"
        warehouse.admin.count(Endpoint.DOWNLOAD) shouldBe 4L
        warehouse.admin.requests(Endpoint.DOWNLOAD).all { !it.authorizationPresent && it.status == 200 } shouldBe true
        statement.closeArrived shouldBe true
        warehouse.admin.requests(Endpoint.SESSION).map { it.method } shouldBe listOf("POST", "DELETE")
    }

    test("small results come back inline; metadata getCatalogs works") {
        connect().use { c ->
            c.createStatement().use { st ->
                st.executeQuery("SELECT 1 AS one, 'x' AS s").use { rs ->
                    rs.next() shouldBe true
                    rs.getInt("one") shouldBe 1
                    rs.getString("s") shouldBe "x"
                    rs.next() shouldBe false
                }
            }
            val catalogs = c.metaData.catalogs.use { rs -> buildList { while (rs.next()) add(rs.getString(1)) } }
            catalogs shouldContain "main"
        }
    }

    test("a prepared statement with parameters") {
        connect().use { c ->
            c.prepareStatement("SELECT ? + 1 AS n, ? AS s, ? AS missing").use { ps ->
                ps.setInt(1, 41)
                ps.setString(2, "hello")
                ps.setNull(3, java.sql.Types.VARCHAR)
                ps.executeQuery().use { rs ->
                    rs.next() shouldBe true
                    rs.getInt(1) shouldBe 42
                    rs.getString(2) shouldBe "hello"
                    rs.getString(3) shouldBe null
                }
            }
        }
    }

    test("a SQL error becomes an SQLException with the SQLSTATE") {
        connect().use { c ->
            val e = runCatching { c.createStatement().use { it.executeQuery("SELECT * FROM no_table_for_jdbc") } }.exceptionOrNull()
            (e is SQLException) shouldBe true
            (e as SQLException).sqlState.length shouldBe 5
            e.message shouldContain "no_table_for_jdbc"
        }
    }

    test("bounded SEA mode reads the same data") {
        connect(bounded = true).use { c ->
            val (count, _) = readAll(c, 120_000)
            count shouldBe 120_000L
            val catalogs = c.metaData.catalogs.use { rs -> buildList { while (rs.next()) add(rs.getString(1)) } }
            catalogs.size shouldBeGreaterThan 0
        }
    }
})
