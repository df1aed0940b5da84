package dev.dbsql.warehouse.engine

/**
 * Reads the text of an `INTERVAL …` parameter the way Databricks' `CAST(text AS INTERVAL …)` does
 * (ANSI forms: `1-2` for YEAR TO MONTH, `3 04:30:20.123456` for DAY TO SECOND, one number for a
 * single-unit qualifier, each with an optional leading `-`) and writes it as DuckDB interval text.
 * Text with unit words (`3 days`) is DuckDB's own form and passes through unchanged.
 */
internal object IntervalParams {
    private val units = listOf("YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND")
    private const val MAX_TEXT = 64

    /** The DuckDB text for [value] of the parameter type [typeText]; [name] is for the error. */
    fun toDuck(typeText: String, value: String, name: String): String {
        if (value.any { it.isLetter() }) return value // DuckDB's own interval text (`3 days`, `1 year 2 months`)
        val words = typeText.trim().split(Regex("\\s+")).map { it.uppercase() }.drop(1).filter { it != "TO" }
        val from = units.indexOf(words.firstOrNull() ?: "DAY")
        val to = units.indexOf(words.lastOrNull() ?: "SECOND")
        if (from < 0 || to < from || (from <= 1 && to >= 2) || value.length > MAX_TEXT) throw bad(value, typeText, name)
        var body = value.trim()
        val negative = body.startsWith("-")
        body = body.removePrefix("-").removePrefix("+")
        try {
            if (to <= 1) {
                val months = if (from == 0 && to == 1) {
                    val (y, m) = body.split('-').also { if (it.size != 2) throw bad(value, typeText, name) }
                    y.toLong() * 12 + m.toLong().also { if (it !in 0..11) throw bad(value, typeText, name) }
                } else if (from == 0) body.toLong() * 12 else body.toLong()
                return "${if (negative) -months else months} months"
            }
            val fields = body.split(' ', ':')
            if (fields.size != to - from + 1) throw bad(value, typeText, name)
            var micros = 0L
            fields.forEachIndexed { k, f ->
                micros = Math.addExact(micros, when (units[from + k]) {
                    "DAY" -> Math.multiplyExact(f.toLong(), 86_400_000_000L)
                    "HOUR" -> Math.multiplyExact(f.toLong(), 3_600_000_000L)
                    "MINUTE" -> Math.multiplyExact(f.toLong(), 60_000_000L)
                    else -> f.toBigDecimal().movePointRight(6).longValueExact()
                })
            }
            if (micros < 0) throw bad(value, typeText, name)
            val days = micros / 86_400_000_000L
            val rest = micros % 86_400_000_000L
            val sign = if (negative) "-" else ""
            return "$sign$days days $sign$rest microseconds"
        } catch (e: ArithmeticException) {
            throw bad(value, typeText, name)
        } catch (e: NumberFormatException) {
            throw bad(value, typeText, name)
        }
    }

    private fun bad(value: String, typeText: String, name: String): SqlFailure =
        SqlFailures.of("INVALID_INTERVAL_FORMAT", "22006",
            "Parameter $name: cannot cast '${value.take(MAX_TEXT)}' to $typeText.")
}
