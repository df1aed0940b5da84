package dev.dbsql.core.lifecycle

import dev.dbsql.core.ExecuteOptions

/**
 * The owner id (a service instance) a statement carries so a [StatementReaper] can find it after
 * its client died: the query tag [TAG] and a leading SQL comment ([marker]), since Query History
 * shows the statement text but not its tags. An owner is 1..128 characters of letters, digits and
 * `.`, `_`, `:`, `-` (it cannot end the comment or be mistaken for another owner's marker).
 * Stateless and thread-safe.
 */
public object OwnerTag {
    /** The query tag that carries the owner id. */
    public const val TAG: String = "dbsql_owner"

    private val VALID = Regex("[A-Za-z0-9._:-]{1,128}")

    /** Throws [IllegalArgumentException] unless [owner] is a valid owner id; returns it. */
    @JvmStatic
    public fun validate(owner: String): String {
        require(VALID.matches(owner)) { "an owner id is 1..128 of letters, digits, '.', '_', ':', '-'" }
        return owner
    }

    /** The leading comment that names [owner] in the statement text. */
    @JvmStatic
    public fun marker(owner: String): String = "/* $TAG=${validate(owner)} */"

    internal fun sql(owner: String?, sql: String): String = if (owner == null) sql else marker(owner) + "\n" + sql

    internal fun options(owner: String?, options: ExecuteOptions): ExecuteOptions =
        if (owner == null) options else options.copy(queryTags = options.queryTags + (TAG to owner))
}
