package dev.dbsql.java

import dev.dbsql.core.InvalidHandleException
import dev.dbsql.flow.ResultPartition
import kotlinx.serialization.SerializationException
import kotlinx.serialization.json.Json

/**
 * Ships [ResultPartition]s between processes as JSON text: [toJson] where the result was
 * executed, [fromJson] on the worker, then [DbsqlClient.readPartition]. The text holds the
 * statement handle and chunk range, never credentials.
 */
public object Partitions {
    private val json = Json { ignoreUnknownKeys = true }

    /** [partition] as one line of JSON. */
    @JvmStatic
    public fun toJson(partition: ResultPartition): String = json.encodeToString(ResultPartition.serializer(), partition)

    /**
     * Reads a partition written by [toJson].
     * @throws dev.dbsql.core.InvalidHandleException when [text] is not such a partition.
     */
    @JvmStatic
    public fun fromJson(text: String): ResultPartition = try {
        json.decodeFromString(ResultPartition.serializer(), text)
    } catch (e: SerializationException) {
        throw InvalidHandleException("not a result partition: ${e.message}", e)
    } catch (e: IllegalArgumentException) {
        throw InvalidHandleException("not a result partition: ${e.message}", e)
    }
}
