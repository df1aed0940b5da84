package dev.dbsql.core.it

import dev.dbsql.core.volumes.LocalPathNotAllowedException
import dev.dbsql.core.volumes.PresignedUrlExpiredException
import dev.dbsql.core.volumes.VolumeEntry
import dev.dbsql.core.volumes.VolumeOptions
import dev.dbsql.core.volumes.VolumeProgress
import dev.dbsql.core.volumes.Volumes
import dev.dbsql.warehouse.WarehouseConfig
import dev.dbsql.warehouse.staging.VolumeSettings
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.ints.shouldBeLessThanOrEqual
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.flow.fold
import java.io.ByteArrayInputStream
import java.io.ByteArrayOutputStream
import java.io.OutputStream
import java.nio.file.Files
import java.nio.file.Path
import java.security.MessageDigest
import java.util.concurrent.atomic.AtomicLong
import kotlin.random.Random

class VolumesSpec : FunSpec({
    val remote = Files.createTempDirectory("volumes-remote")
    val local = Files.createTempDirectory("volumes-local").toRealPath()
    val outside = Files.createTempDirectory("volumes-outside").toRealPath()
    val warehouse = Fixtures.startWarehouse(WarehouseConfig(volumes = VolumeSettings(root = remote)))
    val expiring = Fixtures.startWarehouse(WarehouseConfig(volumes = VolumeSettings(root = remote, urlLifetime = java.time.Duration.ZERO)))
    val client = Fixtures.client(warehouse)
    val expiringClient = Fixtures.client(expiring)
    val volumes = Volumes(client, VolumeOptions(allowedLocalPaths = listOf(local)))
    afterSpec {
        client.close()
        expiringClient.close()
        warehouse.close()
        expiring.close()
        listOf(remote, local, outside).forEach { it.toFile().deleteRecursively() }
    }

    test("PUT a file, LIST, GET to a file and to a stream, REMOVE: the bytes come back unchanged, Authorization never sent") {
        val bytes = Random(1).nextBytes(300_000)
        val source = local.resolve("in.bin").also { Files.write(it, bytes) }
        val seen = AtomicLong()
        warehouse.admin.resetRequests()
        volumes.put(source, "/Volumes/main/s/v/dir/in.bin", progress = VolumeProgress { done, total -> total shouldBe 300_000L; seen.set(done) })
        seen.get() shouldBe 300_000L
        Files.readAllBytes(remote.resolve("main/s/v/dir/in.bin")) shouldBe bytes

        volumes.list("/Volumes/main/s/v/dir").map { it.copy(modificationTime = null) } shouldContainExactly
            listOf(VolumeEntry("/Volumes/main/s/v/dir/in.bin", "in.bin", 300_000, null))

        val target = local.resolve("sub/out.bin")
        volumes.get("/Volumes/main/s/v/dir/in.bin", target)
        Files.readAllBytes(target) shouldBe bytes
        Files.list(target.parent).use { it.count() } shouldBe 1L // no temporary file left

        val sink = ByteArrayOutputStream()
        volumes.get("/Volumes/main/s/v/dir/in.bin", sink)
        sink.toByteArray() shouldBe bytes
        volumes.download("/Volumes/main/s/v/dir/in.bin").fold(ByteArrayOutputStream()) { acc, b -> acc.also { it.write(b) } }.toByteArray() shouldBe bytes

        volumes.remove("/Volumes/main/s/v/dir/in.bin")
        Files.exists(remote.resolve("main/s/v/dir/in.bin")) shouldBe false
        volumes.list("/Volumes/main/s/v/dir") shouldBe emptyList()

        val transfers = warehouse.admin.requests().filter { it.path.startsWith("/files/volumes") }
        transfers.map { it.method } shouldContainExactly listOf("PUT", "GET", "GET", "GET", "DELETE")
        transfers.all { !it.authorizationPresent && it.status in 200..299 } shouldBe true
    }

    test("an InputStream PUT with and without a length; OVERWRITE replaces, without it an existing file fails the statement") {
        volumes.put(ByteArrayInputStream("one".toByteArray()), "/Volumes/main/s/v/s.txt", length = 3)
        shouldThrow<dev.dbsql.core.SqlException> { volumes.put(ByteArrayInputStream("two".toByteArray()), "/Volumes/main/s/v/s.txt") }
            .message shouldContain "FILE_ALREADY_EXISTS"
        volumes.put(ByteArrayInputStream("three".toByteArray()), "/Volumes/main/s/v/s.txt", overwrite = true)
        Files.readString(remote.resolve("main/s/v/s.txt")) shouldBe "three"
    }

    test("100 MiB round trip from a streaming source that reuses one array, to a sink that keeps nothing: bytes held stay bounded") {
        val piece = 64 * 1024
        val pieces = 1600 // 100 MiB
        val total = piece.toLong() * pieces
        val sent = MessageDigest.getInstance("SHA-256")
        val reused = ByteArray(piece)
        val rnd = Random(7)
        // One array, refilled for every piece: an SDK that kept a reference to an earlier piece
        // would send the wrong bytes, and the digests below would differ.
        val source = flow {
            repeat(pieces) {
                rnd.nextBytes(reused)
                sent.update(reused)
                emit(reused)
            }
        }
        volumes.put(source, "/Volumes/main/s/v/big.bin", length = total)
        Files.size(remote.resolve("main/s/v/big.bin")) shouldBe total

        val received = MessageDigest.getInstance("SHA-256")
        var largestWrite = 0
        var count = 0L
        val sink = object : OutputStream() {
            override fun write(b: Int) = error("single-byte writes are not expected")
            override fun write(b: ByteArray, off: Int, len: Int) {
                largestWrite = maxOf(largestWrite, len)
                count += len
                received.update(b, off, len)
            }
        }
        volumes.get("/Volumes/main/s/v/big.bin", sink)
        count shouldBe total
        largestWrite shouldBeLessThanOrEqual VolumeOptions.DEFAULT.bufferBytes
        received.digest() shouldBe sent.digest()

        // and the same file through local files
        val file = local.resolve("big.bin")
        volumes.get("/Volumes/main/s/v/big.bin", file)
        Files.size(file) shouldBe total
        volumes.put(file, "/Volumes/main/s/v/big-copy.bin")
        Files.mismatch(file, remote.resolve("main/s/v/big-copy.bin")) shouldBe -1L
        Files.delete(file)
    }

    test("an expired presigned URL is a PresignedUrlExpiredException whose message hides the URL's signature") {
        val late = Volumes(expiringClient, VolumeOptions(allowedLocalPaths = listOf(local)))
        val e = shouldThrow<PresignedUrlExpiredException> { late.put(ByteArrayInputStream(ByteArray(10)), "/Volumes/main/s/v/late.bin", length = 10) }
        e.httpStatus shouldBe 403
        e.message shouldContain "/files/volumes/put"
        e.message shouldNotContain "signature"
        e.toString() shouldNotContain "signature"
        Files.exists(remote.resolve("main/s/v/late.bin")) shouldBe false
    }

    test("local paths outside the allowed list, with '..' or through a symbolic link out of it are refused before any statement") {
        val secret = outside.resolve("secret.txt").also { Files.writeString(it, "secret") }
        Files.writeString(remote.resolve("main/s/v/s.txt"), "remote")
        val before = warehouse.admin.statements().size

        // default options: nothing is allowed
        shouldThrow<LocalPathNotAllowedException> { Volumes(client).put(secret, "/Volumes/main/s/v/x") }.message shouldContain "allowedLocalPaths is empty"
        shouldThrow<LocalPathNotAllowedException> { volumes.put(secret, "/Volumes/main/s/v/x") }
        shouldThrow<LocalPathNotAllowedException> { volumes.get("/Volumes/main/s/v/s.txt", outside.resolve("got.txt")) }
        shouldThrow<LocalPathNotAllowedException> { volumes.put(Path.of("$local/../${outside.fileName}/secret.txt"), "/Volumes/main/s/v/x") }
            .message shouldContain "'..'"
        val link = Files.createSymbolicLink(local.resolve("escape"), outside)
        shouldThrow<LocalPathNotAllowedException> { volumes.put(link.resolve("secret.txt"), "/Volumes/main/s/v/x") }
        shouldThrow<LocalPathNotAllowedException> { volumes.get("/Volumes/main/s/v/s.txt", link.resolve("got.txt")) }
        Files.delete(link)

        warehouse.admin.statements().size shouldBe before
        Files.exists(outside.resolve("got.txt")) shouldBe false
        Files.exists(remote.resolve("main/s/v/x")) shouldBe false
    }
})
