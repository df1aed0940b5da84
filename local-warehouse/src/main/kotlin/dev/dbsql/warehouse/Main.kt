package dev.dbsql.warehouse

fun main(args: Array<String>) {
    println("local-warehouse")
}
