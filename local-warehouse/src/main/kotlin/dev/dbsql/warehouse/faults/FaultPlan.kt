package dev.dbsql.warehouse.faults

import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.atomic.AtomicLong
import kotlin.random.Random

/**
 * The kinds of request a fault can target. [QUERY] is not a request but the run of a statement on the
 * engine: a [Fault.Delay] there keeps the statement RUNNING that much longer (a deterministic "slow
 * query" that cancel still stops at once); other faults on [QUERY] are ignored. [HISTORY] is the
 * Query History endpoint.
 */
enum class Endpoint { EXECUTE, STATUS, CHUNK, DOWNLOAD, SESSION, CANCEL, CLOSE, QUERY, HISTORY }

/** What to do to a request. */
sealed interface Fault {
    /** Answer with [status] before the real handler runs (429/503 always carry `Retry-After`). */
    data class Status(val status: Int, val retryAfterSeconds: Long? = null, val message: String? = null) : Fault

    /** Wait [millis] before handling the request normally. */
    data class Delay(val millis: Long) : Fault

    /**
     * Start the body (full `Content-Length` promised), then abort the connection after [afterBytes]
     * (default: half the body). ktor CIO offers no socket access, so the abort is a close rather than a
     * TCP RST: to the client it reads as a connection lost mid-body, like [TruncatedBody].
     */
    data class ResetMidBody(val afterBytes: Long? = null) : Fault

    /** Promise the full `Content-Length`, send only [keepBytes] (default: half), then close the connection. */
    data class TruncatedBody(val keepBytes: Long? = null) : Fault

    /**
     * Handle the request (an execute creates its statement and waits as asked), then hold the answer
     * until [gate] completes: a server-side latch, so a test knows the client has not had its answer.
     */
    data class HoldAnswer(val gate: java.util.concurrent.CompletableFuture<*>) : Fault

    /** Links issued by this request expire [expiresInMillis] after issue (0 or negative: already expired). */
    data class ExpiredLinks(val expiresInMillis: Long = 0) : Fault
}

/** When a rule fires. Requests are numbered from 1 per rule, counting those of its endpoint since the rule was added. */
sealed interface Trigger {
    /** Fires on request number [from] and the following ones, [times] times in all (null: forever). */
    data class Count(val from: Int = 1, val times: Int? = 1) : Trigger {
        init {
            require(from >= 1) { "from must be >= 1" }
            require(times == null || times >= 1) { "times must be >= 1" }
        }
    }

    /** Fires on each request with [probability], drawn from a generator seeded with [seed]; at most [times] times. */
    data class Probability(val probability: Double, val seed: Long = 42, val times: Int? = null) : Trigger {
        init {
            require(probability in 0.0..1.0) { "probability must be in 0..1" }
        }
    }

    companion object {
        /** Only the [n]th request. */
        fun nth(n: Int): Trigger = Count(n, 1)

        /** Every request from the [n]th on, [times] times (null: forever). */
        fun from(n: Int, times: Int? = null): Trigger = Count(n, times)

        /** Every request. */
        fun always(): Trigger = Count(1, null)

        fun probability(p: Double, seed: Long = 42, times: Int? = null): Trigger = Probability(p, seed, times)
    }
}

/** One installed fault: counts the requests it saw and how often it fired. */
class FaultRule internal constructor(val id: Long, val endpoint: Endpoint, val fault: Fault, val trigger: Trigger) {
    private val random = (trigger as? Trigger.Probability)?.let { Random(it.seed) }
    var seen: Int = 0
        private set
    var fired: Int = 0
        private set

    @Synchronized
    internal fun offer(): Boolean {
        seen++
        val fire = when (trigger) {
            is Trigger.Count -> seen >= trigger.from && (trigger.times == null || fired < trigger.times)
            is Trigger.Probability -> random!!.nextDouble() < trigger.probability &&
                (trigger.times == null || fired < trigger.times)
        }
        if (fire) fired++
        return fire
    }

    override fun toString(): String = "FaultRule(id=$id, endpoint=$endpoint, fault=$fault, trigger=$trigger, seen=$seen, fired=$fired)"
}

/** What the fault plan decided for one request. */
internal data class FaultDecision(
    val delayMillis: Long = 0,
    val status: Fault.Status? = null,
    val body: Fault? = null,
    val linkExpiryMillis: Long? = null,
    val holdAnswer: java.util.concurrent.CompletableFuture<*>? = null,
    val fired: List<FaultRule> = emptyList(),
) {
    val describe: String? get() = fired.takeIf { it.isNotEmpty() }?.joinToString(",") { it.fault::class.simpleName!! }

    companion object {
        val NONE = FaultDecision()
    }
}

/**
 * The fault plan of one warehouse, switchable by tests at any time (also via `POST /admin/faults`).
 * Faults act before the real handler where that matters: an injected status on EXECUTE means the
 * statement was not created. Thread-safe.
 */
class FaultPlan {
    private val ids = AtomicLong()
    private val rules = CopyOnWriteArrayList<FaultRule>()

    /** Installs a rule and returns it (its [FaultRule.fired] tells how often it acted). */
    fun inject(endpoint: Endpoint, fault: Fault, trigger: Trigger = Trigger.always()): FaultRule =
        FaultRule(ids.incrementAndGet(), endpoint, fault, trigger).also { rules += it }

    fun remove(rule: FaultRule) {
        rules.remove(rule)
    }

    /** Removes every rule. */
    fun clear() {
        rules.clear()
    }

    fun rules(): List<FaultRule> = rules.toList()

    internal fun decide(endpoint: Endpoint): FaultDecision {
        if (rules.isEmpty()) return FaultDecision.NONE
        val fired = rules.filter { it.endpoint == endpoint && it.offer() }
        if (fired.isEmpty()) return FaultDecision.NONE
        val faults = fired.map { it.fault }
        return FaultDecision(
            delayMillis = faults.filterIsInstance<Fault.Delay>().sumOf { it.millis },
            status = faults.filterIsInstance<Fault.Status>().firstOrNull(),
            body = faults.firstOrNull { it is Fault.ResetMidBody || it is Fault.TruncatedBody },
            linkExpiryMillis = faults.filterIsInstance<Fault.ExpiredLinks>().firstOrNull()?.expiresInMillis,
            holdAnswer = faults.filterIsInstance<Fault.HoldAnswer>().firstOrNull()?.gate,
            fired = fired,
        )
    }
}
