package dev.dbsql.flow

import dev.dbsql.core.ResultManifest
import dev.dbsql.core.StatementResult

/**
 * One result column as PEP-249's `cursor.description` describes it, from the result's manifest
 * (so it exists for every result, empty ones included, without reading rows). Immutable.
 *
 * @property name the column name.
 * @property sqlType the full SQL type text (`DECIMAL(10,2)`, `ARRAY<INT>`, `TIMESTAMP`).
 * @property typeName the base type as the server names it (`DECIMAL`, `LONG`, `TIMESTAMP_NTZ`).
 * @property precision total digits for DECIMAL columns, else null.
 * @property scale digits after the point for DECIMAL columns, else null.
 * @property nullable whether the column may hold NULL; null = unknown, which is what the Statement
 *   Execution API's manifest says for every column (it carries no nullability).
 */
public data class ColumnDescription(
    val name: String,
    val sqlType: String,
    val typeName: String,
    val precision: Int?,
    val scale: Int?,
    val nullable: Boolean?,
)

/** The columns of [this] manifest, in order (see [ColumnDescription]). */
public fun ResultManifest.description(): List<ColumnDescription> =
    columns.sortedBy { it.position }.map { c ->
        val decimal = c.typeName.equals("DECIMAL", ignoreCase = true)
        ColumnDescription(c.name, c.typeText, c.typeName, c.precision.takeIf { decimal }, c.scale.takeIf { decimal }, null)
    }

/** The columns of this result, in order, from its manifest; makes no request. See [ColumnDescription]. */
public val StatementResult.description: List<ColumnDescription> get() = manifest.description()
