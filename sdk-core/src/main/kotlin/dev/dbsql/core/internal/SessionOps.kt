package dev.dbsql.core.internal

import dev.dbsql.core.ClientConfig
import dev.dbsql.core.NotFoundException
import dev.dbsql.core.ProtocolException
import io.ktor.http.HttpMethod
import kotlinx.serialization.SerializationException
import org.slf4j.LoggerFactory

/** Session create / delete calls. */
internal class SessionOps(private val config: ClientConfig, private val transport: ApiTransport) {
    suspend fun create(catalog: String?, schema: String?, conf: Map<String, String>): String {
        val body = ProtocolJson.encodeToString(
            CreateSessionRequest.serializer(),
            CreateSessionRequest(config.warehouseId, catalog, schema, conf.takeIf { it.isNotEmpty() }),
        )
        val text = transport.call(HttpMethod.Post, SESSIONS, body, CallInfo(CallKind.CREATE_SESSION, "create session"))
        val id = try {
            ProtocolJson.decodeFromString(CreateSessionResponse.serializer(), text).sessionId
        } catch (e: SerializationException) {
            throw ProtocolException("malformed create-session response: ${e.message}", e)
        }
        log.debug("session {} opened", id)
        return id
    }

    /** Deletes the session; one the server no longer knows counts as deleted. */
    suspend fun delete(sessionId: String) {
        try {
            transport.call(
                HttpMethod.Delete, "$SESSIONS/$sessionId", null,
                CallInfo(CallKind.DELETE_SESSION, "delete session $sessionId", null, sessionId),
                query = mapOf("warehouse_id" to config.warehouseId),
            )
        } catch (e: NotFoundException) {
            log.debug("session {} was already gone: {}", sessionId, e.message)
        }
    }

    private companion object {
        const val SESSIONS = "/api/2.0/sql/sessions"
        val log = LoggerFactory.getLogger("dev.dbsql.core.sessions")
    }
}
