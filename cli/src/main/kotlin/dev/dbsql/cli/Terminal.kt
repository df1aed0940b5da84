package dev.dbsql.cli

import java.nio.file.Files
import java.nio.file.Path

/** Whether a standard stream of this process is a terminal. */
object Terminal {
    /**
     * True when file descriptor [fd] (0, 1, 2) is a terminal: on Linux, when `/proc/self/fd/N`
     * names a tty device; elsewhere, when the JVM has a console (stdin and stdout are terminals).
     */
    fun isTerminal(fd: Int): Boolean = try {
        val link = Files.readSymbolicLink(Path.of("/proc/self/fd/$fd")).toString()
        link.startsWith("/dev/pts/") || link.startsWith("/dev/tty") || link == "/dev/console"
    } catch (e: Exception) {
        System.console() != null
    }
}
