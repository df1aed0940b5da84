package dev.dbsql.warehouse.engine

import java.sql.Statement

/**
 * The `samples` catalog: small deterministic tables generated with SQL at start-up (no downloads):
 * `samples.tpch.{region, nation, customer, orders, lineitem}` and `samples.nyctaxi.trips`.
 * Values come from integer arithmetic on the row number, so every start-up yields the same rows.
 */
internal object Samples {
    const val ORDERS = 15_000
    const val TRIPS = 20_000

    /** A deterministic pseudo-random integer in [0, m) from row number [x] and a [salt]. */
    private fun rnd(x: String, salt: Int, m: Int) = "((($x + $salt) * 2654435761 + $salt * 97) % $m)"

    fun create(s: Statement) {
        val sql = listOf(
            "ATTACH ':memory:' AS samples",
            "CREATE SCHEMA samples.\"default\"",
            "CREATE SCHEMA samples.tpch",
            "CREATE SCHEMA samples.nyctaxi",
            """CREATE TABLE samples.tpch.region AS SELECT CAST(r AS BIGINT) AS r_regionkey,
                ['AFRICA','AMERICA','ASIA','EUROPE','MIDDLE EAST'][r + 1] AS r_name,
                'region ' || r AS r_comment FROM range(5) t(r)""",
            """CREATE TABLE samples.tpch.nation AS SELECT CAST(n AS BIGINT) AS n_nationkey,
                ['ALGERIA','ARGENTINA','BRAZIL','CANADA','EGYPT','ETHIOPIA','FRANCE','GERMANY','INDIA','INDONESIA',
                 'IRAN','IRAQ','JAPAN','JORDAN','KENYA','MOROCCO','MOZAMBIQUE','PERU','CHINA','ROMANIA',
                 'SAUDI ARABIA','VIETNAM','RUSSIA','UNITED KINGDOM','UNITED STATES'][n + 1] AS n_name,
                CAST([0,1,1,1,4,0,3,3,2,2,4,4,2,4,0,0,0,1,2,3,4,2,3,3,1][n + 1] AS BIGINT) AS n_regionkey,
                'nation ' || n AS n_comment FROM range(25) t(n)""",
            """CREATE TABLE samples.tpch.customer AS SELECT CAST(c + 1 AS BIGINT) AS c_custkey,
                'Customer#' || lpad(CAST(c + 1 AS VARCHAR), 9, '0') AS c_name,
                CAST(${rnd("c", 3, 25)} AS BIGINT) AS c_nationkey,
                CAST((${rnd("c", 5, 1099999)} - 99999) / 100.0 AS DECIMAL(18,2)) AS c_acctbal,
                ['AUTOMOBILE','BUILDING','FURNITURE','HOUSEHOLD','MACHINERY'][${rnd("c", 7, 5)} + 1] AS c_mktsegment
                FROM range(1500) t(c)""",
            """CREATE TABLE samples.tpch.orders AS SELECT CAST(o * 4 + 1 AS BIGINT) AS o_orderkey,
                CAST(${rnd("o", 11, 1500)} + 1 AS BIGINT) AS o_custkey,
                ['F','O','P'][${rnd("o", 13, 3)} + 1] AS o_orderstatus,
                CAST((${rnd("o", 17, 50000000)} + 90000) / 100.0 AS DECIMAL(18,2)) AS o_totalprice,
                CAST(DATE '1992-01-01' + CAST(${rnd("o", 19, 2400)} AS INTEGER) AS DATE) AS o_orderdate,
                ['1-URGENT','2-HIGH','3-MEDIUM','4-NOT SPECIFIED','5-LOW'][${rnd("o", 23, 5)} + 1] AS o_orderpriority,
                'Clerk#' || lpad(CAST(${rnd("o", 29, 1000)} + 1 AS VARCHAR), 9, '0') AS o_clerk,
                CAST(0 AS INTEGER) AS o_shippriority,
                'order ' || o AS o_comment FROM range($ORDERS) t(o)""",
            """CREATE TABLE samples.tpch.lineitem AS SELECT o.o_orderkey AS l_orderkey,
                CAST(${rnd("o.o_orderkey + l", 31, 20000)} + 1 AS BIGINT) AS l_partkey,
                CAST(${rnd("o.o_orderkey + l", 37, 1000)} + 1 AS BIGINT) AS l_suppkey,
                CAST(l + 1 AS INTEGER) AS l_linenumber,
                CAST(${rnd("o.o_orderkey + l", 41, 50)} + 1 AS DECIMAL(18,2)) AS l_quantity,
                CAST((${rnd("o.o_orderkey + l", 43, 9000000)} + 90000) / 100.0 AS DECIMAL(18,2)) AS l_extendedprice,
                CAST(${rnd("o.o_orderkey + l", 47, 11)} / 100.0 AS DECIMAL(18,2)) AS l_discount,
                CAST(${rnd("o.o_orderkey + l", 53, 9)} / 100.0 AS DECIMAL(18,2)) AS l_tax,
                ['A','N','R'][${rnd("o.o_orderkey + l", 59, 3)} + 1] AS l_returnflag,
                ['F','O'][${rnd("o.o_orderkey + l", 61, 2)} + 1] AS l_linestatus,
                CAST(o.o_orderdate + CAST(${rnd("o.o_orderkey + l", 67, 120)} + 1 AS INTEGER) AS DATE) AS l_shipdate,
                CAST(o.o_orderdate + CAST(${rnd("o.o_orderkey + l", 71, 90)} + 30 AS INTEGER) AS DATE) AS l_commitdate,
                CAST(o.o_orderdate + CAST(${rnd("o.o_orderkey + l", 73, 150)} + 2 AS INTEGER) AS DATE) AS l_receiptdate,
                ['DELIVER IN PERSON','COLLECT COD','NONE','TAKE BACK RETURN'][${rnd("o.o_orderkey + l", 79, 4)} + 1] AS l_shipinstruct,
                ['AIR','FOB','MAIL','RAIL','REG AIR','SHIP','TRUCK'][${rnd("o.o_orderkey + l", 83, 7)} + 1] AS l_shipmode,
                'line ' || l AS l_comment
                FROM samples.tpch.orders o, range(7) t(l) WHERE l < 1 + o.o_orderkey % 7
                ORDER BY l_orderkey, l_linenumber""",
            """CREATE TABLE samples.nyctaxi.trips AS SELECT
                CAST(TIMESTAMPTZ '2016-01-01 00:00:00+00' + to_seconds(CAST(t * 131 + ${rnd("t", 89, 120)} AS BIGINT)) AS TIMESTAMPTZ) AS tpep_pickup_datetime,
                CAST(TIMESTAMPTZ '2016-01-01 00:00:00+00' + to_seconds(CAST(t * 131 + ${rnd("t", 89, 120)} + 120 + ${rnd("t", 97, 3000)} AS BIGINT)) AS TIMESTAMPTZ) AS tpep_dropoff_datetime,
                CAST(${rnd("t", 101, 2000)} / 100.0 AS DOUBLE) AS trip_distance,
                CAST(250 + ${rnd("t", 103, 6000)} AS DOUBLE) / 100.0 AS fare_amount,
                CAST(10001 + ${rnd("t", 107, 300)} AS INTEGER) AS pickup_zip,
                CAST(10001 + ${rnd("t", 109, 300)} AS INTEGER) AS dropoff_zip
                FROM range($TRIPS) r(t)""",
        )
        sql.forEach { s.execute(it) }
    }
}
