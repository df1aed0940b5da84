package dev.dbsql.auth

import java.awt.Desktop
import java.awt.GraphicsEnvironment
import java.net.URI

/**
 * Opens the authorization URL of a user-to-machine login. Called once per login, on a thread of
 * `Dispatchers.IO`; it may block briefly but should return once the browser is asked to open the
 * page (the login completes when the browser reaches the loopback redirect).
 */
public fun interface BrowserLauncher {
    /** Opens [url] for the user. */
    public fun open(url: String)

    public companion object {
        /**
         * The system browser through `java.awt.Desktop` when the platform supports it; otherwise
         * prints the URL to standard error for the user to open.
         */
        public fun system(): BrowserLauncher = BrowserLauncher { url ->
            if (desktopBrowseSupported()) Desktop.getDesktop().browse(URI(url)) else printToStderr().open(url)
        }

        /** Prints the URL to standard error. */
        public fun printToStderr(): BrowserLauncher = BrowserLauncher { url ->
            System.err.println("Open this URL in a browser to sign in to Databricks:\n$url")
        }

        private fun desktopBrowseSupported(): Boolean = try {
            !GraphicsEnvironment.isHeadless() && Desktop.isDesktopSupported() &&
                Desktop.getDesktop().isSupported(Desktop.Action.BROWSE)
        } catch (e: Exception) {
            false
        }
    }
}
