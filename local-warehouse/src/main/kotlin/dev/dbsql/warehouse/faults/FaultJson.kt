package dev.dbsql.warehouse.faults

import kotlinx.serialization.SerialName
import kotlinx.serialization.Serializable
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.put

/**
 * The flat JSON form of a fault rule for `POST /admin/faults`, e.g.
 * `{"endpoint":"DOWNLOAD","fault":"STATUS","status":503,"retry_after_seconds":1,"nth":3}` or
 * `{"endpoint":"DOWNLOAD","fault":"RESET","probability":0.05,"seed":42}`.
 *
 * `fault`: STATUS (status, retry_after_seconds, message), DELAY (delay_ms), RESET (after_bytes),
 * TRUNCATE (keep_bytes), EXPIRED_LINKS (expires_in_ms). Trigger: `nth` (that request only), or
 * `from` + `times`, or `probability` + `seed` + `times`; none of them means every request.
 */
@Serializable
internal data class FaultRuleBody(
    val endpoint: String,
    val fault: String,
    val status: Int? = null,
    @SerialName("retry_after_seconds") val retryAfterSeconds: Long? = null,
    val message: String? = null,
    @SerialName("delay_ms") val delayMs: Long? = null,
    @SerialName("after_bytes") val afterBytes: Long? = null,
    @SerialName("keep_bytes") val keepBytes: Long? = null,
    @SerialName("expires_in_ms") val expiresInMs: Long? = null,
    val nth: Int? = null,
    val from: Int? = null,
    val times: Int? = null,
    val probability: Double? = null,
    val seed: Long? = null,
) {
    fun endpoint(): Endpoint = Endpoint.valueOf(endpoint.uppercase())

    fun fault(): Fault = when (fault.uppercase()) {
        "STATUS" -> Fault.Status(requireNotNull(status) { "STATUS needs 'status'" }, retryAfterSeconds, message)
        "DELAY" -> Fault.Delay(requireNotNull(delayMs) { "DELAY needs 'delay_ms'" })
        "RESET" -> Fault.ResetMidBody(afterBytes)
        "TRUNCATE" -> Fault.TruncatedBody(keepBytes)
        "EXPIRED_LINKS" -> Fault.ExpiredLinks(expiresInMs ?: 0)
        else -> throw IllegalArgumentException("unknown fault '$fault' (STATUS, DELAY, RESET, TRUNCATE, EXPIRED_LINKS)")
    }

    fun trigger(): Trigger = when {
        probability != null -> Trigger.Probability(probability, seed ?: 42, times)
        nth != null -> Trigger.nth(nth)
        from != null -> Trigger.Count(from, times)
        times != null -> Trigger.Count(1, times)
        else -> Trigger.always()
    }
}

internal fun FaultRule.toJson(): JsonElement = buildJsonObject {
    put("id", id)
    put("endpoint", endpoint.name)
    put("fault", fault.toString())
    put("trigger", trigger.toString())
    put("seen", seen)
    put("fired", fired)
}

internal fun List<FaultRule>.toJson(): JsonElement = JsonObject(mapOf("rules" to JsonArray(map { it.toJson() })))
