package dev.dbsql.flow.internal.arrow

import dev.dbsql.core.ProtocolException
import org.apache.arrow.flatbuf.Message
import org.apache.arrow.memory.BufferAllocator
import org.apache.arrow.memory.OutOfMemoryException
import java.io.EOFException
import java.io.InputStream
import java.nio.ByteBuffer
import java.nio.ByteOrder

/**
 * Checks the framing of Arrow IPC streams while passing their bytes through unchanged, so that no
 * length read from the wire reaches an allocation unchecked. Arrow's reader allocates the message
 * metadata on the heap with the length the stream names (2 GiB for `ff ff ff ff f0 ff ff 7f`); this
 * reads each message's length prefix and metadata first and fails with [ProtocolException] when the
 * metadata is longer than [IpcFraming.MAX_METADATA_BYTES] or is not a message, and with Arrow's
 * [OutOfMemoryException] (the stream's memory budget) when a body is larger than [allocator]'s limit
 * allows. A stream that ends inside a message is an [EOFException].
 *
 * Not thread-safe: one reader, as any `InputStream`.
 */
internal class IpcFraming(private val input: InputStream, private val allocator: BufferAllocator) : InputStream() {
    /** Bytes checked and not yet handed out (a prefix plus metadata). */
    private var pending: ByteArray = EMPTY
    private var pendingPos = 0
    /** Body bytes of the current message still to pass through. */
    private var bodyLeft = 0L
    private var ended = false

    override fun read(): Int {
        val one = ByteArray(1)
        return if (read(one, 0, 1) < 0) -1 else one[0].toInt() and 0xFF
    }

    override fun read(b: ByteArray, off: Int, len: Int): Int {
        if (len == 0) return 0
        while (true) {
            if (pendingPos < pending.size) {
                val n = minOf(len, pending.size - pendingPos)
                System.arraycopy(pending, pendingPos, b, off, n)
                pendingPos += n
                return n
            }
            if (bodyLeft > 0) {
                val n = input.read(b, off, minOf(len.toLong(), bodyLeft).toInt())
                if (n < 0) throw EOFException("Arrow stream ended with $bodyLeft bytes of a message body missing")
                bodyLeft -= n
                return n
            }
            if (ended || !nextMessage()) return -1
        }
    }

    override fun close() = input.close()

    /** Reads and checks the next message's prefix and metadata into [pending]; false at a clean end. */
    private fun nextMessage(): Boolean {
        val first = ByteArray(4)
        val got = readUpTo(first, 0, 4)
        if (got == 0) {
            ended = true
            return false
        }
        if (got < 4) throw EOFException("Arrow stream ended inside a message length")
        var prefix = first
        var length = intLE(first, 0)
        if (length == CONTINUATION) {
            prefix = first.copyOf(8)
            if (readUpTo(prefix, 4, 4) < 4) throw EOFException("Arrow stream ended inside a message length")
            length = intLE(prefix, 4)
        }
        if (length == 0) { // end of one IPC stream; another may follow
            setPending(prefix, null)
            return true
        }
        if (length < 0 || length > MAX_METADATA_BYTES) {
            throw ProtocolException(
                "Arrow IPC message metadata of ${length.toLong() and 0xFFFFFFFFL} bytes exceeds the limit of $MAX_METADATA_BYTES bytes " +
                    "(not an Arrow stream, or a corrupt one)",
            )
        }
        val metadata = ByteArray(length)
        if (readUpTo(metadata, 0, length) < length) throw EOFException("Arrow stream ended inside a message's metadata")
        val bodyLength = try {
            Message.getRootAsMessage(ByteBuffer.wrap(metadata).order(ByteOrder.LITTLE_ENDIAN)).bodyLength()
        } catch (e: RuntimeException) {
            throw ProtocolException("Arrow IPC message metadata is not a valid message (${e::class.simpleName})")
        }
        if (bodyLength < 0) throw ProtocolException("Arrow IPC message announces a negative body length ($bodyLength)")
        if (bodyLength > MAX_BODY_BYTES) {
            throw ProtocolException("Arrow IPC message body of $bodyLength bytes exceeds the limit of $MAX_BODY_BYTES bytes")
        }
        if (bodyLength > allocator.limit) {
            throw OutOfMemoryException("an Arrow record batch of $bodyLength bytes exceeds the stream's allocator limit of ${allocator.limit} bytes")
        }
        setPending(prefix, metadata)
        bodyLeft = bodyLength
        return true
    }

    private fun setPending(prefix: ByteArray, metadata: ByteArray?) {
        pending = if (metadata == null) prefix else prefix + metadata
        pendingPos = 0
    }

    private fun readUpTo(b: ByteArray, off: Int, len: Int): Int {
        var done = 0
        while (done < len) {
            val n = input.read(b, off + done, len - done)
            if (n < 0) break
            done += n
        }
        return done
    }

    internal companion object {
        /** Largest IPC message metadata (schema or batch header) accepted: far above any real schema. */
        const val MAX_METADATA_BYTES: Int = 16 * 1024 * 1024

        /** Largest record batch body accepted, whatever the memory budget. */
        const val MAX_BODY_BYTES: Long = 4L * 1024 * 1024 * 1024

        private const val CONTINUATION = -1
        private val EMPTY = ByteArray(0)

        private fun intLE(b: ByteArray, at: Int): Int =
            (b[at].toInt() and 0xFF) or ((b[at + 1].toInt() and 0xFF) shl 8) or
                ((b[at + 2].toInt() and 0xFF) shl 16) or ((b[at + 3].toInt() and 0xFF) shl 24)
    }
}
