package dev.dbsql.warehouse

import dev.dbsql.warehouse.oauth.OAuthSettings
import dev.dbsql.warehouse.tls.SelfSignedCertificate
import java.nio.file.Paths
import java.time.Duration
import java.util.concurrent.CountDownLatch
import kotlin.system.exitProcess

private const val USAGE = """Usage: java -jar local-warehouse.jar [options]
  --port N                 port to listen on (default 8080; 0 = any free port)
  --host ADDR              address to bind (default 127.0.0.1)
  --token T                personal access token to accept (default: generated)
  --warehouse-id ID        warehouse id (default: generated)
  --chunk-rows N           max rows per result chunk (default 100000)
  --chunk-bytes N          max bytes per result chunk (default 16777216)
  --inline-page-rows N     rows per INLINE JSON page (default: whole result in chunk 0)
  --link-lifetime D        external link lifetime, e.g. 15m, 90s, 500ms (default 15m)
  --retention D            result retention after success, e.g. 1h, 30s (default 1h)
  --threads N              query threads (default 4)
  --link-headers           links carry http_headers that downloads must echo
  --tls-self-signed        serve HTTPS with a fresh self-signed certificate for localhost
  --admin-token T          bearer token /admin requires (default: generated)
  --oauth                  turn on OAuth: service principal dbsql-test-sp (secret generated and
                           printed) and the public U2M clients (logins denied unless approved)
  --oauth-secret S         turn on OAuth with this service principal secret instead
  --oauth-auto-approve     turn on OAuth and approve U2M logins without asking (unattended tests)
  --max-body-bytes N       largest request body read (default 16777216; larger: 413)
  --max-decoded-body-bytes N  largest body after gzip decoding (default 33554432; larger: 413)
  --body-read-timeout D    time allowed for a whole request body (default 30s; slower: 408)
  --help                   this text"""

/** Runs a local warehouse until Ctrl-C: `java -jar local-warehouse.jar --port 8080`. */
fun main(args: Array<String>) {
    val config = try {
        parseArgs(args)
    } catch (e: IllegalArgumentException) {
        System.err.println("error: ${e.message}\n\n$USAGE")
        exitProcess(2)
    } ?: run {
        println(USAGE)
        return
    }
    val warehouse = LocalWarehouse.start(config)
    val stopped = CountDownLatch(1)
    Runtime.getRuntime().addShutdownHook(
        Thread({
            warehouse.close()
            stopped.countDown()
        }, "local-warehouse-shutdown"),
    )
    println(
        """
        |local warehouse is running (Ctrl-C to stop)
        |  URL:          ${warehouse.baseUrl}
        |  token:        ${warehouse.token}
        |  admin token:  ${warehouse.adminToken}
        |  warehouse id: ${warehouse.warehouseId}
        |  http path:    ${warehouse.httpPath}
        |  JDBC URL:     ${warehouse.jdbcUrl()}
        |  OAuth:        ${oauthLine(warehouse.config)}
        """.trimMargin(),
    )
    stopped.await()
}

private fun oauthLine(config: WarehouseConfig): String {
    val secret = config.oauth.servicePrincipalSecret
    return when {
        config.oauth.clients.isEmpty() -> "off (--oauth turns it on)"
        secret == null -> "clients ${config.oauth.clients.keys}"
        else -> "client id ${OAuthSettings.SERVICE_PRINCIPAL_ID}, secret $secret; U2M logins " +
            if (config.oauth.autoApprove) "approved automatically" else "denied (--oauth-auto-approve)"
    }
}

/** Parses the command line into a config; null when help was asked for. */
internal fun parseArgs(args: Array<String>): WarehouseConfig? {
    var config = WarehouseConfig(port = 8080)
    var i = 0
    fun value(name: String): String = args.getOrNull(++i) ?: throw IllegalArgumentException("$name needs a value")
    fun int(name: String): Int = value(name).toIntOrNull() ?: throw IllegalArgumentException("$name needs a number")
    fun long(name: String): Long = value(name).toLongOrNull() ?: throw IllegalArgumentException("$name needs a number")
    while (i < args.size) {
        when (val arg = args[i]) {
            "--help", "-h" -> return null
            "--port" -> config = config.copy(port = int(arg))
            "--host" -> config = config.copy(host = value(arg))
            "--token" -> config = config.copy(token = value(arg))
            "--warehouse-id" -> config = config.copy(warehouseId = value(arg))
            "--chunk-rows" -> config = config.copy(chunkRows = int(arg))
            "--chunk-bytes" -> config = config.copy(chunkBytes = long(arg))
            "--inline-page-rows" -> config = config.copy(inlinePageRows = int(arg))
            "--link-lifetime" -> config = config.copy(linkLifetime = parseDuration(value(arg)))
            "--retention" -> config = config.copy(resultRetention = parseDuration(value(arg)))
            "--threads" -> config = config.copy(executorThreads = int(arg))
            "--link-headers" -> config = config.copy(linkHeaders = true)
            "--tls-self-signed" -> config = config.copy(tls = SelfSignedCertificate.generate().tlsConfig())
            "--spill-dir" -> config = config.copy(spillDirectory = Paths.get(value(arg)))
            "--admin-token" -> config = config.copy(adminToken = value(arg))
            "--oauth" -> config = config.withOAuth()
            "--oauth-secret" -> config = config.withOAuth(secret = value(arg))
            "--oauth-auto-approve" -> config = config.withOAuth().let { it.copy(oauth = it.oauth.copy(autoApprove = true)) }
            "--max-body-bytes" -> config = config.copy(maxRequestBodyBytes = long(arg))
            "--max-decoded-body-bytes" -> config = config.copy(maxDecodedBodyBytes = long(arg))
            "--body-read-timeout" -> config = config.copy(bodyReadTimeout = parseDuration(value(arg)))
            else -> throw IllegalArgumentException("unknown option $arg")
        }
        i++
    }
    return config
}

/** OAuth on with the built-in clients; keeps an earlier secret unless [secret] is given. */
private fun WarehouseConfig.withOAuth(secret: String? = null): WarehouseConfig {
    val clients = when {
        secret != null -> OAuthSettings.builtInClients(secret)
        oauth.servicePrincipalSecret != null -> oauth.clients
        else -> OAuthSettings.builtInClients()
    }
    return copy(oauth = oauth.copy(clients = clients))
}

/** `500ms`, `90s`, `15m`, `1h`, a bare number of seconds, or ISO-8601 (`PT15M`). */
internal fun parseDuration(text: String): Duration {
    val t = text.trim().lowercase()
    val number = t.takeWhile { it.isDigit() }
    val unit = t.drop(number.length)
    if (t.startsWith("pt")) return Duration.parse(text.trim().uppercase())
    val n = number.toLongOrNull() ?: throw IllegalArgumentException("bad duration '$text'")
    return when (unit) {
        "ms" -> Duration.ofMillis(n)
        "", "s" -> Duration.ofSeconds(n)
        "m" -> Duration.ofMinutes(n)
        "h" -> Duration.ofHours(n)
        else -> throw IllegalArgumentException("bad duration unit in '$text' (ms, s, m, h)")
    }
}
