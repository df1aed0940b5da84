package dev.dbsql.core.internal

import kotlinx.serialization.SerialName
import kotlinx.serialization.Serializable
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonElement

/*
 * Wire models of the Statement Execution API. Lenient on input: unknown keys are ignored, enum-like
 * values (state, format, type_name, error_code) are kept as strings and mapped later, so a server
 * newer than this SDK does not break it.
 */

internal val ProtocolJson: Json = Json {
    ignoreUnknownKeys = true
    explicitNulls = false
    coerceInputValues = true
    encodeDefaults = false
}

@Serializable
internal class ExecuteRequest(
    val statement: String,
    @SerialName("warehouse_id") val warehouseId: String,
    @SerialName("session_id") val sessionId: String? = null,
    val catalog: String? = null,
    val schema: String? = null,
    val parameters: List<ParameterDto>? = null,
    @SerialName("row_limit") val rowLimit: Long? = null,
    @SerialName("byte_limit") val byteLimit: Long? = null,
    val disposition: String,
    val format: String,
    @SerialName("wait_timeout") val waitTimeout: String,
    @SerialName("on_wait_timeout") val onWaitTimeout: String? = null,
    @SerialName("result_compression") val resultCompression: String? = null,
    @SerialName("query_tags") val queryTags: List<QueryTagDto>? = null,
    @SerialName("statement_conf") val statementConf: Map<String, String>? = null,
)

@Serializable
internal class ParameterDto(
    val name: String? = null,
    val ordinal: Int? = null,
    val value: String? = null,
    val type: String? = null,
)

@Serializable
internal class QueryTagDto(val key: String, val value: String? = null)

@Serializable
internal class StatementResponseDto(
    @SerialName("statement_id") val statementId: String,
    val status: StatusDto,
    val manifest: ManifestDto? = null,
    val result: ResultDataDto? = null,
)

@Serializable
internal class StatusDto(
    val state: String,
    val error: ServiceErrorDto? = null,
    @SerialName("sql_state") val sqlState: String? = null,
)

@Serializable
internal class ServiceErrorDto(
    @SerialName("error_code") val errorCode: JsonElement? = null,
    val message: String? = null,
)

@Serializable
internal class ManifestDto(
    val format: String? = null,
    val schema: SchemaDto? = null,
    @SerialName("total_chunk_count") val totalChunkCount: Int? = null,
    val chunks: List<ChunkDto>? = null,
    @SerialName("total_row_count") val totalRowCount: Long? = null,
    @SerialName("total_byte_count") val totalByteCount: Long? = null,
    val truncated: Boolean = false,
    @SerialName("result_compression") val resultCompression: String? = null,
)

@Serializable
internal class SchemaDto(
    @SerialName("column_count") val columnCount: Int = 0,
    val columns: List<ColumnDto>? = null,
)

@Serializable
internal class ColumnDto(
    val name: String,
    @SerialName("type_text") val typeText: String? = null,
    @SerialName("type_name") val typeName: String? = null,
    val position: Int? = null,
    @SerialName("type_precision") val precision: Int? = null,
    @SerialName("type_scale") val scale: Int? = null,
    @SerialName("type_interval_type") val intervalType: String? = null,
)

@Serializable
internal class ChunkDto(
    @SerialName("chunk_index") val chunkIndex: Int,
    @SerialName("row_offset") val rowOffset: Long = 0,
    @SerialName("row_count") val rowCount: Long = 0,
    @SerialName("byte_count") val byteCount: Long? = null,
)

@Serializable
internal class ResultDataDto(
    @SerialName("chunk_index") val chunkIndex: Int? = null,
    @SerialName("row_offset") val rowOffset: Long? = null,
    @SerialName("row_count") val rowCount: Long? = null,
    @SerialName("byte_count") val byteCount: Long? = null,
    @SerialName("data_array") val dataArray: List<List<JsonElement>>? = null,
    val attachment: String? = null,
    @SerialName("external_links") val externalLinks: List<ExternalLinkDto>? = null,
    @SerialName("next_chunk_index") val nextChunkIndex: Int? = null,
)

@Serializable
internal class ExternalLinkDto(
    @SerialName("chunk_index") val chunkIndex: Int,
    @SerialName("row_offset") val rowOffset: Long = 0,
    @SerialName("row_count") val rowCount: Long = 0,
    @SerialName("byte_count") val byteCount: Long = 0,
    @SerialName("external_link") val externalLink: String,
    val expiration: String,
    @SerialName("http_headers") val httpHeaders: Map<String, String>? = null,
    @SerialName("next_chunk_index") val nextChunkIndex: Int? = null,
)

/** The JSON body of a non-2xx answer. `error_code` may be a string or (gateway errors) a number. */
@Serializable
internal class ErrorBodyDto(
    @SerialName("error_code") val errorCode: JsonElement? = null,
    val message: String? = null,
    val error: String? = null,
)

@Serializable
internal class CreateSessionRequest(
    @SerialName("warehouse_id") val warehouseId: String,
    val catalog: String? = null,
    val schema: String? = null,
    @SerialName("session_confs") val sessionConfs: Map<String, String>? = null,
)

@Serializable
internal class CreateSessionResponse(@SerialName("session_id") val sessionId: String)
