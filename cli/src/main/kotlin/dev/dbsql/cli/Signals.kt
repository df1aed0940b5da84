package dev.dbsql.cli

/**
 * Process signal handlers through `sun.misc.Signal` (module `jdk.unsupported`, present in every
 * OpenJDK build). Handling a signal ourselves, rather than in a shutdown hook, lets the tool finish
 * its cleanup (cancel the statement on the server) and choose its exit code. A signal the
 * process inherited as ignored (e.g. SIGINT of a job started with `&` by a script) is handled too:
 * a signal sent to the tool explicitly always cancels cleanly.
 */
internal object Signals {
    /** Calls [onSignal] with the signal's name (`INT`, `TERM`) on the JVM's signal thread; false when not supported. */
    fun install(names: List<String>, onSignal: (String) -> Unit): Boolean = try {
        for (name in names) {
            sun.misc.Signal.handle(sun.misc.Signal(name)) { onSignal(name) }
        }
        true
    } catch (e: IllegalArgumentException) {
        false // the signal is reserved (e.g. the JVM runs with -Xrs)
    } catch (e: LinkageError) {
        false // no sun.misc.Signal in this runtime
    }
}
