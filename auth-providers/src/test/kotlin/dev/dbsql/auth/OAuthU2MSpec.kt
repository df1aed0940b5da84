package dev.dbsql.auth

import dev.dbsql.warehouse.LocalWarehouse
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.shouldNotBe
import io.kotest.matchers.string.shouldContain
import kotlinx.coroutines.delay
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.attribute.PosixFilePermissions
import java.security.MessageDigest
import java.time.Duration
import java.util.Base64

class OAuthU2MSpec : FunSpec({
    val warehouse = startWarehouse()
    val http = testHttpClient()
    val counters = warehouse.oauth.counters
    afterSpec {
        http.close()
        warehouse.close()
    }
    beforeTest { counters.reset() }

    fun provider(
        browser: BrowserLauncher,
        cacheDir: Path? = tempDir(),
        on: LocalWarehouse = warehouse,
        loginTimeout: Duration = Duration.ofSeconds(20),
    ) = OAuthU2MProvider(on.baseUrl, redirectPort = 0, cacheDir = cacheDir, browser = browser, loginTimeout = loginTimeout)

    test("the browser login (code + PKCE) authenticates a statement") {
        FollowingBrowser().use { browser ->
            provider(browser).use { p ->
                http.selectOne(warehouse, p.token()) shouldBe "SUCCEEDED"
                browser.opened.get() shouldBe 1
                browser.lastStatus shouldBe 200
                browser.lastPage shouldContain "Signed in"
                counters.authorizeRequests shouldBe 1
                counters.tokenRequests("authorization_code") shouldBe 1
            }
        }
    }

    test("tokens are cached on disk in a 0600 file; another provider reuses them without a browser") {
        val dir = tempDir().resolve("token-cache")
        val file = FollowingBrowser().use { browser -> provider(browser, dir).use { p -> p.token(); p.cacheFile!! } }
        Files.getPosixFilePermissions(file) shouldBe PosixFilePermissions.fromString("rw-------")
        Files.getPosixFilePermissions(dir) shouldBe PosixFilePermissions.fromString("rwx------")
        Files.list(dir).use { it.count() } shouldBe 1L // no temporary file left behind
        provider(noBrowser, dir).use { p -> http.selectOne(warehouse, p.token()) shouldBe "SUCCEEDED" }
        counters.authorizeRequests shouldBe 1
        counters.tokenRequests("authorization_code") shouldBe 1
    }

    test("a refused token is replaced through the refresh token, and the rotated one is saved") {
        val dir = tempDir()
        FollowingBrowser().use { browser ->
            provider(browser, dir).use { p ->
                val first = p.token()
                val before = Files.readString(p.cacheFile!!)
                p.invalidate(first)
                val second = p.token()
                second shouldNotBe first
                http.selectOne(warehouse, second) shouldBe "SUCCEEDED"
                counters.tokenRequests("refresh_token") shouldBe 1
                browser.opened.get() shouldBe 1
                Files.readString(p.cacheFile!!) shouldNotBe before
            }
        }
        // a second process starts from the rotated refresh token on disk
        provider(noBrowser, dir).use { p ->
            val cached = p.token()
            p.invalidate(cached)
            http.selectOne(warehouse, p.token()) shouldBe "SUCCEEDED"
        }
        counters.tokenRequests("refresh_token") shouldBe 2
        counters.authorizeRequests shouldBe 1
    }

    test("when the refresh token is refused, the browser login runs again") {
        startWarehouse(refreshLifetime = Duration.ofMillis(300)).use { short ->
            FollowingBrowser().use { browser ->
                provider(browser, on = short).use { p ->
                    val first = p.token()
                    delay(400)
                    p.invalidate(first)
                    http.selectOne(short, p.token()) shouldBe "SUCCEEDED"
                    browser.opened.get() shouldBe 2
                    short.oauth.counters.tokenRequests("refresh_token") shouldBe 1
                    short.oauth.counters.tokensIssued("refresh_token") shouldBe 0
                }
            }
        }
    }

    test("a redirect with a wrong state fails clearly and redeems no code") {
        FollowingBrowser { it.replace(Regex("state=[^&]+"), "state=forged") }.use { browser ->
            provider(browser).use { p ->
                val e = shouldThrow<OAuthException> { p.token() }
                e.error shouldBe "state_mismatch"
                e.message!! shouldContain "wrong 'state'"
                browser.lastStatus shouldBe 400
                counters.tokenRequests("authorization_code") shouldBe 0
            }
        }
    }

    test("a code bound to another PKCE challenge is refused by the token endpoint") {
        val otherChallenge = Base64.getUrlEncoder().withoutPadding()
            .encodeToString(MessageDigest.getInstance("SHA-256").digest("another-verifier-0123456789-0123456789-xyz".toByteArray()))
        FollowingBrowser { it.replace(Regex("code_challenge=[^&]+"), "code_challenge=$otherChallenge") }.use { browser ->
            provider(browser).use { p ->
                val e = shouldThrow<OAuthException> { p.token() }
                e.error shouldBe "invalid_grant"
                e.httpStatus shouldBe 400
                e.message!! shouldContain "PKCE verification failed"
            }
        }
    }

    test("a login that never completes times out with a clear error") {
        provider(BrowserLauncher { }, loginTimeout = Duration.ofMillis(300)).use { p ->
            shouldThrow<CredentialsException> { p.token() }.message!! shouldContain "no browser sign-in arrived"
        }
    }

    test("the factory builds U2M from config, with the cache under the given home") {
        val home = tempDir()
        FollowingBrowser().use { browser ->
            val context = CredentialsContext(env = emptyMap(), homeDir = home, browser = browser)
            val p = CredentialsFactory.create(AuthConfig.OAuthU2M(redirectPort = 0), warehouse.baseUrl, context) as OAuthU2MProvider
            p.use { http.selectOne(warehouse, it.token()) shouldBe "SUCCEEDED" }
            p.cacheFile!!.parent shouldBe home.resolve(".dbsql").resolve("token-cache")
        }
    }
})
