package dev.dbsql.spark

import dev.dbsql.auth.AuthConfig
import dev.dbsql.auth.SecretRef
import dev.dbsql.core.ClientConfig
import dev.dbsql.core.ConfigurationException
import dev.dbsql.core.SqlParameter
import dev.dbsql.core.StatementParameters
import dev.dbsql.core.clientConfig

/**
 * The options of `spark.read.format("dbsql")`, checked on the driver. Option names are
 * case-insensitive (Spark's rule); parameter names keep their case.
 *
 * What to read — exactly one of:
 * - `query`: a SQL statement, run once per scan (see [DbsqlDataSource]);
 * - `dbtable`: a table name, read as `SELECT * FROM <dbtable>`.
 *
 * Where — either `config` (a whole `ClientConfig` JSON, as `ClientConfig.toJson()` writes it), or
 * `host` plus `warehouse` (an ID) or `httpPath`, with optional `catalog` and `schema`.
 *
 * Auth, by reference only (a token is never given in plain options; the reference is resolved on
 * the driver and again on each executor): `profile` (a `~/.databrickscfg` profile; `configFile`
 * names another file), `tokenEnv` (the name of an environment variable holding a personal access
 * token), `clientId` + `clientSecretEnv` (OAuth M2M, the secret in an environment variable), or
 * `auth` = `environment` / `default-chain` (the default). An option named `token`, `password` or
 * `clientSecret`, or a `config` JSON holding an inline secret, is refused.
 *
 * Parameters: `param.<name>` = value, typed STRING unless `paramType.<name>` gives a SQL type
 * (e.g. `INT`, `DATE`, `DECIMAL(10,2)`).
 *
 * Reading: `partitionBytes` (uncompressed bytes per Spark partition, default 128 MiB; suffixes
 * `k`, `m`, `g`), `concurrency` (downloads in flight per task, default 4), `memoryBudgetBytes`
 * (per task, default 64 MiB), `maxAttempts` (download attempts per chunk before the task fails,
 * default 5; Spark then retries the task).
 *
 * Immutable; holds no secret.
 */
public class DbsqlReadOptions private constructor(
    /** The statement each scan runs. */
    public val sql: String,
    /** The client configuration (secret references only). */
    public val config: ClientConfig,
    /** Named parameters of [sql]. */
    public val parameters: StatementParameters,
    /** Uncompressed bytes per Spark partition. */
    public val partitionBytes: Long,
    /** Read settings shipped to executors. */
    public val read: ReadSettings,
) {
    override fun toString(): String =
        "DbsqlReadOptions(sql=${sql.take(80)}, host=${config.host}, warehouse=${config.warehouseId}, partitionBytes=$partitionBytes, $read)"

    public companion object {
        private const val MIB = 1024L * 1024

        /**
         * Reads the data source options.
         * @throws ConfigurationException naming the first missing, conflicting or invalid option.
         */
        @JvmStatic
        public fun parse(options: Map<String, String>): DbsqlReadOptions {
            val lower = HashMap<String, String>()
            for ((k, v) in options) lower[k.lowercase()] = v
            for (forbidden in listOf("token", "password", "clientsecret", "pwd")) {
                if (lower.containsKey(forbidden)) {
                    throw ConfigurationException(
                        forbidden,
                        "secrets are not accepted as data source options; name where the secret is instead " +
                            "(tokenEnv, clientSecretEnv, profile)",
                    )
                }
            }
            val sql = statement(lower)
            val config = clientConfigOf(lower)
            val read = ReadSettings(
                concurrency = intOption(lower, "concurrency", 4, 1..256),
                memoryBudgetBytes = sizeOption(lower, "memorybudgetbytes", 64 * MIB).also {
                    if (it < MIB) throw ConfigurationException("memoryBudgetBytes", "must be at least 1 MiB, was $it")
                },
                maxAttempts = intOption(lower, "maxattempts", 5, 1..100),
            )
            val partitionBytes = sizeOption(lower, "partitionbytes", 128 * MIB).also {
                if (it < 1) throw ConfigurationException("partitionBytes", "must be positive, was $it")
            }
            return DbsqlReadOptions(sql, config, parameters(options), partitionBytes, read)
        }

        private fun statement(o: Map<String, String>): String {
            val query = o["query"]?.takeIf { it.isNotBlank() }
            val table = o["dbtable"]?.takeIf { it.isNotBlank() }
            return when {
                query != null && table != null -> throw ConfigurationException("query", "give either query or dbtable, not both")
                query != null -> query
                table != null -> {
                    if (table.any { it == ';' || it.isISOControl() }) throw ConfigurationException("dbtable", "must be a table name, was '$table'")
                    "SELECT * FROM $table"
                }
                else -> throw ConfigurationException("query", "is required (or dbtable)")
            }
        }

        private fun clientConfigOf(o: Map<String, String>): ClientConfig {
            val json = o["config"]
            if (json != null) {
                val others = listOf("host", "warehouse", "httppath", "profile", "tokenenv", "clientid", "auth").filter { o.containsKey(it) }
                if (others.isNotEmpty()) throw ConfigurationException("config", "give either config or ${others.joinToString()}, not both")
                val config = ClientConfig.fromJson(json)
                if (holdsInlineSecret(config.auth)) {
                    throw ConfigurationException("config.auth", "holds an inline secret; use a reference (environment variable, profile)")
                }
                return config
            }
            return clientConfig {
                host = o["host"]
                warehouse = o["warehouse"]
                httpPath = o["httppath"]
                catalog = o["catalog"]
                schema = o["schema"]
                auth = authOf(o)
            }
        }

        private fun authOf(o: Map<String, String>): AuthConfig {
            val chosen = listOf("profile", "tokenenv", "clientid", "auth").filter { o.containsKey(it) }
            if (chosen.size > 1) throw ConfigurationException(chosen[1], "choose one way to authenticate, not ${chosen.joinToString(" and ")}")
            return when (chosen.firstOrNull()) {
                "profile" -> AuthConfig.Profile(o.getValue("profile"), o["configfile"])
                "tokenenv" -> AuthConfig.Pat(SecretRef.Env(o.getValue("tokenenv")))
                "clientid" -> AuthConfig.OAuthM2M(
                    o.getValue("clientid"),
                    SecretRef.Env(o["clientsecretenv"] ?: throw ConfigurationException("clientSecretEnv", "is required with clientId")),
                )
                "auth" -> when (o.getValue("auth").lowercase()) {
                    "environment" -> AuthConfig.Environment
                    "default-chain" -> AuthConfig.DefaultChain
                    else -> throw ConfigurationException("auth", "must be environment or default-chain, was '${o.getValue("auth")}'")
                }
                else -> AuthConfig.DefaultChain
            }
        }

        private fun holdsInlineSecret(auth: AuthConfig): Boolean = when (auth) {
            is AuthConfig.Pat -> auth.token is SecretRef.Inline
            is AuthConfig.OAuthM2M -> auth.clientSecret is SecretRef.Inline
            else -> false
        }

        private fun parameters(options: Map<String, String>): StatementParameters {
            val values = LinkedHashMap<String, String>()
            val types = HashMap<String, String>()
            for ((k, v) in options) {
                when {
                    k.startsWith("param.", ignoreCase = true) -> values[k.substring(6)] = v
                    k.startsWith("paramType.", ignoreCase = true) -> types[k.substring(10)] = v
                }
            }
            types.keys.firstOrNull { it !in values }?.let { throw ConfigurationException("paramType.$it", "has no param.$it") }
            if (values.isEmpty()) return StatementParameters.NONE
            return StatementParameters(values.map { (name, value) -> SqlParameter.named(name, value, types[name] ?: "STRING") })
        }

        private fun intOption(o: Map<String, String>, key: String, default: Int, range: IntRange): Int {
            val text = o[key] ?: return default
            val n = text.trim().toIntOrNull() ?: throw ConfigurationException(key, "must be a whole number, was '$text'")
            if (n !in range) throw ConfigurationException(key, "must be in $range, was $n")
            return n
        }

        /** `134217728`, `128m`, `1g`, `512k` (binary units). */
        internal fun sizeOption(o: Map<String, String>, key: String, default: Long): Long {
            val text = o[key]?.trim()?.lowercase() ?: return default
            val m = Regex("""(\d+)\s*([kmg]?)i?b?""").matchEntire(text)
                ?: throw ConfigurationException(key, "must be a size such as 134217728, 128m or 1g, was '$text'")
            val shift = when (m.groupValues[2]) { "k" -> 10; "m" -> 20; "g" -> 30; else -> 0 }
            val n = m.groupValues[1].toLongOrNull()?.takeIf { it <= (Long.MAX_VALUE shr shift) }
                ?: throw ConfigurationException(key, "is too large: '$text'")
            return n shl shift
        }
    }
}

/**
 * How each task reads its partition: downloads in flight, the memory budget of its stream and
 * download attempts per chunk. Java-serializable (it travels with the tasks).
 */
public data class ReadSettings(
    val concurrency: Int,
    val memoryBudgetBytes: Long,
    val maxAttempts: Int,
) : java.io.Serializable {
    private companion object {
        private const val serialVersionUID: Long = 1L
    }
}
