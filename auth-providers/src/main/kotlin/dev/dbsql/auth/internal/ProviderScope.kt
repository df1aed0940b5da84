package dev.dbsql.auth.internal

import io.ktor.client.HttpClient
import kotlinx.coroutines.CoroutineName
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel

/**
 * What a refreshing provider owns: a supervisor scope for background refreshes (a failed refresh
 * does not cancel the scope) and, when the caller gave none, an HTTP client. [close] cancels the
 * scope and closes only the client created here.
 */
internal class ProviderResources(name: String, callerClient: HttpClient?, withHttp: Boolean = true) : AutoCloseable {
    val scope: CoroutineScope = CoroutineScope(SupervisorJob() + Dispatchers.Default + CoroutineName("dbsql-auth-$name"))
    private val ownedClient: HttpClient? = if (callerClient == null && withHttp) ownedHttpClient() else null
    val http: HttpClient? = callerClient ?: ownedClient

    override fun close() {
        scope.cancel()
        ownedClient?.close()
    }
}
