package io.heimdall.core.internal.server;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataWriter;

/**
 * The body of a chunked HTTP/1.1 response (RFC 9112 section 7.1) written straight to the connection's writer: bytes
 * are held in one buffer, reused by every response of the connection, and each {@link #flush()} writes what is held as
 * one chunk, its size line and trailing CRLF around it, in one socket write.
 * <p>
 * Helidon's own chunked output copies each chunk twice into new arrays before writing it; a relayed stream writes
 * hundreds of chunks. This is for the body after Helidon has written the response head and its first chunk: the
 * response's end (the last chunk, {@code 0}) is still Helidon's, written when its output stream closes. The writer is
 * synchronous (Helidon's default, no write queue), so the buffer is free again when a write returns.
 */
final class ChunkedBody {
    /** What one chunk may hold. */
    static final int CAPACITY = HttpApi.WRITE_BUFFER_SIZE;
    /** Room before the data for the size line: up to six hex digits and CRLF. */
    private static final int HEAD_ROOM = 8;
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final DataWriter writer;
    private final byte[] buffer = new byte[HEAD_ROOM + CAPACITY + 2];
    private int held;

    ChunkedBody(DataWriter writer) {
        this.writer = writer;
    }

    /** Drops what a response before left held (one whose client went away). */
    void clear() {
        held = 0;
    }

    /** Bytes held for the next chunk. */
    int held() {
        return held;
    }

    /** Whether {@code length} more bytes fit in the chunk being held. */
    boolean fits(int length) {
        return held + length <= CAPACITY;
    }

    /** Adds bytes to the chunk being held; the caller has checked that they {@link #fits fit}. */
    void append(byte[] bytes, int offset, int length) {
        System.arraycopy(bytes, offset, buffer, HEAD_ROOM + held, length);
        held += length;
    }

    /** Adds bytes to the chunk being held; the caller has checked that they {@link #fits fit}. */
    void append(byte[] bytes) {
        append(bytes, 0, bytes.length);
    }

    /** Writes what is held as one chunk (nothing when nothing is held). */
    void flush() {
        if (held == 0) {
            return;
        }
        int length = held;
        held = 0; // a failed write loses the chunk either way: the client is gone
        int start = sizeLine(buffer, HEAD_ROOM, length);
        buffer[HEAD_ROOM + length] = '\r';
        buffer[HEAD_ROOM + length + 1] = '\n';
        writer.write(BufferData.create(buffer, start, HEAD_ROOM + length + 2 - start));
    }

    /** Writes {@code data} as a chunk of its own, after what is held: for one that does not fit the buffer. */
    void writeAlone(byte[] data) {
        flush();
        int digits = hexDigits(data.length);
        byte[] chunk = new byte[digits + 2 + data.length + 2];
        sizeLine(chunk, digits + 2, data.length);
        System.arraycopy(data, 0, chunk, digits + 2, data.length);
        chunk[chunk.length - 2] = '\r';
        chunk[chunk.length - 1] = '\n';
        writer.write(BufferData.create(chunk));
    }

    /** Writes {@code length} in hex and CRLF just before {@code end}; returns where the size line starts. */
    private static int sizeLine(byte[] into, int end, int length) {
        into[end - 2] = '\r';
        into[end - 1] = '\n';
        int i = end - 2;
        int v = length;
        do {
            into[--i] = HEX[v & 0xF];
            v >>>= 4;
        } while (v != 0);
        return i;
    }

    private static int hexDigits(int v) {
        return Math.max(1, (Integer.SIZE - Integer.numberOfLeadingZeros(v) + 3) / 4);
    }
}
