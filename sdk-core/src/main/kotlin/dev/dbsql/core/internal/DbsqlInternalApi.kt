package dev.dbsql.core.internal

/**
 * Marks API meant only for the project's own modules (sdk-flow-results, sdk-java-interop, ...).
 * It carries no compatibility guarantee and may change in any release. Using it from outside
 * requires `@OptIn(DbsqlInternalApi::class)`, which is a compile error otherwise.
 */
@RequiresOptIn(
    message = "This is an internal dbsql-kotlin API for the project's own modules; it may change without notice.",
    level = RequiresOptIn.Level.ERROR,
)
@Retention(AnnotationRetention.BINARY)
@Target(
    AnnotationTarget.CLASS,
    AnnotationTarget.FUNCTION,
    AnnotationTarget.PROPERTY,
    AnnotationTarget.CONSTRUCTOR,
    AnnotationTarget.TYPEALIAS,
)
public annotation class DbsqlInternalApi
