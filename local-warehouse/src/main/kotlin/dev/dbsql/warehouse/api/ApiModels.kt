package dev.dbsql.warehouse.api

import kotlinx.serialization.SerialName
import kotlinx.serialization.Serializable
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement

/*
 * Wire shapes of the Statement Execution API as this server reads and writes them.
 * Requests are read leniently (unknown keys ignored, enums as plain strings validated by hand so
 * a bad value gets a precise 400); responses omit null fields.
 */

/** The JSON codec used for every API body. */
internal val ApiJson: Json = Json {
    ignoreUnknownKeys = true
    explicitNulls = false
    encodeDefaults = true
    isLenient = false
}

@Serializable
internal data class ExecuteStatementBody(
    val statement: String? = null,
    @SerialName("warehouse_id") val warehouseId: String? = null,
    @SerialName("session_id") val sessionId: String? = null,
    val catalog: String? = null,
    val schema: String? = null,
    val parameters: List<ParameterBody>? = null,
    @SerialName("row_limit") val rowLimit: Long? = null,
    @SerialName("byte_limit") val byteLimit: Long? = null,
    val disposition: String? = null,
    val format: String? = null,
    @SerialName("wait_timeout") val waitTimeout: String? = null,
    @SerialName("on_wait_timeout") val onWaitTimeout: String? = null,
    @SerialName("result_compression") val resultCompression: String? = null,
    @SerialName("query_tags") val queryTags: List<QueryTagBody>? = null,
    /** Configuration for this statement only (the Rust kernel's `statement_conf`). */
    @SerialName("statement_conf") val statementConf: Map<String, String>? = null,
)

@Serializable
internal data class ParameterBody(
    val name: String? = null,
    val value: String? = null,
    val type: String? = null,
    val ordinal: Int? = null,
)

@Serializable
internal data class QueryTagBody(val key: String? = null, val value: String? = null)

@Serializable
internal data class CreateSessionBody(
    @SerialName("warehouse_id") val warehouseId: String? = null,
    val catalog: String? = null,
    val schema: String? = null,
    @SerialName("session_confs") val sessionConfs: Map<String, JsonElement>? = null,
    @SerialName("execution_mode") val executionMode: String? = null,
)

@Serializable
internal data class DeleteSessionBody(@SerialName("warehouse_id") val warehouseId: String? = null)

@Serializable
internal data class SessionCreated(@SerialName("session_id") val sessionId: String)

@Serializable
internal data class StatementResponse(
    @SerialName("statement_id") val statementId: String,
    val status: StatementStatus,
    val manifest: ResultManifest? = null,
    val result: ResultData? = null,
)

@Serializable
internal data class StatementStatus(
    val state: String,
    val error: ServiceError? = null,
    @SerialName("sql_state") val sqlState: String? = null,
)

@Serializable
internal data class ServiceError(
    @SerialName("error_code") val errorCode: String,
    val message: String,
)

@Serializable
internal data class ResultManifest(
    val format: String,
    val schema: ResultSchema,
    @SerialName("total_chunk_count") val totalChunkCount: Int,
    val chunks: List<ChunkInfo>? = null,
    @SerialName("total_row_count") val totalRowCount: Long,
    @SerialName("total_byte_count") val totalByteCount: Long? = null,
    val truncated: Boolean,
    @SerialName("result_compression") val resultCompression: String? = null,
    /** True on the answer of a staging PUT / GET / REMOVE (its one row names a presigned URL). */
    @SerialName("is_volume_operation") val isVolumeOperation: Boolean? = null,
)

@Serializable
internal data class ResultSchema(
    @SerialName("column_count") val columnCount: Int,
    val columns: List<ColumnInfo>? = null,
)

@Serializable
internal data class ColumnInfo(
    val name: String,
    @SerialName("type_text") val typeText: String,
    @SerialName("type_name") val typeName: String,
    val position: Int,
    @SerialName("type_precision") val typePrecision: Int? = null,
    @SerialName("type_scale") val typeScale: Int? = null,
    @SerialName("type_interval_type") val typeIntervalType: String? = null,
)

@Serializable
internal data class ChunkInfo(
    @SerialName("chunk_index") val chunkIndex: Int,
    @SerialName("row_offset") val rowOffset: Long,
    @SerialName("row_count") val rowCount: Long,
    @SerialName("byte_count") val byteCount: Long? = null,
)

/** `result` of a StatementResponse, and the whole body of a chunk fetch. */
@Serializable
internal data class ResultData(
    @SerialName("chunk_index") val chunkIndex: Int? = null,
    @SerialName("row_offset") val rowOffset: Long? = null,
    @SerialName("row_count") val rowCount: Long? = null,
    @SerialName("byte_count") val byteCount: Long? = null,
    @SerialName("data_array") val dataArray: JsonArray? = null,
    val attachment: String? = null,
    @SerialName("external_links") val externalLinks: List<ExternalLink>? = null,
    @SerialName("next_chunk_index") val nextChunkIndex: Int? = null,
    @SerialName("next_chunk_internal_link") val nextChunkInternalLink: String? = null,
)

@Serializable
internal data class ExternalLink(
    @SerialName("chunk_index") val chunkIndex: Int,
    @SerialName("row_offset") val rowOffset: Long,
    @SerialName("row_count") val rowCount: Long,
    @SerialName("byte_count") val byteCount: Long,
    @SerialName("external_link") val externalLink: String,
    val expiration: String,
    @SerialName("http_headers") val httpHeaders: Map<String, String>? = null,
    @SerialName("next_chunk_index") val nextChunkIndex: Int? = null,
    @SerialName("next_chunk_internal_link") val nextChunkInternalLink: String? = null,
)
