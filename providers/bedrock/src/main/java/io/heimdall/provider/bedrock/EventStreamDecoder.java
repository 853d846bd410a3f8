package io.heimdall.provider.bedrock;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.CRC32;

/**
 * Reads the AWS event-stream binary framing ({@code application/vnd.amazon.eventstream}) message by message, as
 * ConverseStream sends it: a 12-byte prelude (total length, headers length, CRC32 of those 8 bytes), the headers,
 * the payload and a CRC32 of everything before it. Both checksums are verified; a frame may arrive split across any
 * number of reads. Not thread-safe; one decoder per stream.
 */
final class EventStreamDecoder {
    /** Prelude (12) + message CRC (4). */
    static final int MIN_MESSAGE = 16;
    /** The largest message accepted (AWS limits a message to 16 MB). */
    static final int MAX_MESSAGE = 16 << 20;

    private final InputStream in;

    /** A decoder reading from {@code in}. */
    EventStreamDecoder(InputStream in) {
        this.in = in;
    }

    /**
     * One decoded message.
     *
     * @param headers the headers by name; string values as strings, others by their natural Java type
     * @param payload the payload bytes
     */
    record Message(Map<String, Object> headers, byte[] payload) {
        /** A string header. */
        Optional<String> header(String name) {
            return headers.get(name) instanceof String s ? Optional.of(s) : Optional.empty();
        }

        /** The payload as UTF-8 text. */
        String payloadText() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    /** Thrown when a frame is malformed or a checksum does not match. */
    static final class FramingException extends IOException {
        private static final long serialVersionUID = 1L;

        FramingException(String message) {
            super(message);
        }
    }

    /**
     * The next message, or empty at a clean end of the stream (between two messages).
     *
     * @throws FramingException on a bad length or checksum, or a stream ending inside a message
     * @throws IOException      when reading fails
     */
    Optional<Message> next() throws IOException {
        byte[] prelude = new byte[12];
        int first = readFully(prelude);
        if (first == 0) {
            return Optional.empty();
        }
        if (first < prelude.length) {
            throw new FramingException("the stream ended inside a message prelude");
        }
        ByteBuffer p = ByteBuffer.wrap(prelude);
        long total = Integer.toUnsignedLong(p.getInt(0));
        long headersLength = Integer.toUnsignedLong(p.getInt(4));
        long preludeCrc = Integer.toUnsignedLong(p.getInt(8));
        if (crc(prelude, 0, 8, new CRC32()) != preludeCrc) {
            throw new FramingException("prelude checksum mismatch");
        }
        if (total < MIN_MESSAGE || total > MAX_MESSAGE || headersLength > total - MIN_MESSAGE) {
            throw new FramingException("bad message length " + total + " (headers " + headersLength + ")");
        }
        byte[] rest = new byte[(int) total - 12];
        if (readFully(rest) < rest.length) {
            throw new FramingException("the stream ended inside a message");
        }
        CRC32 messageCrc = new CRC32();
        messageCrc.update(prelude);
        long expected = Integer.toUnsignedLong(ByteBuffer.wrap(rest, rest.length - 4, 4).getInt());
        if (crc(rest, 0, rest.length - 4, messageCrc) != expected) {
            throw new FramingException("message checksum mismatch");
        }
        Map<String, Object> headers = headers(ByteBuffer.wrap(rest, 0, (int) headersLength));
        byte[] payload = new byte[rest.length - 4 - (int) headersLength];
        System.arraycopy(rest, (int) headersLength, payload, 0, payload.length);
        return Optional.of(new Message(headers, payload));
    }

    private static long crc(byte[] bytes, int offset, int length, CRC32 crc) {
        crc.update(bytes, offset, length);
        return crc.getValue();
    }

    /** Reads until {@code buf} is full or the stream ends; the number of bytes read. */
    private int readFully(byte[] buf) throws IOException {
        int n = 0;
        while (n < buf.length) {
            int r = in.read(buf, n, buf.length - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        return n;
    }

    /** Decodes the header block: name length (1), name, value type (1), value. */
    static Map<String, Object> headers(ByteBuffer b) throws FramingException {
        Map<String, Object> out = new LinkedHashMap<>();
        try {
            while (b.hasRemaining()) {
                int nameLength = Byte.toUnsignedInt(b.get());
                if (nameLength == 0) {
                    throw new FramingException("empty header name");
                }
                String name = string(b, nameLength);
                int type = Byte.toUnsignedInt(b.get());
                Object value = switch (type) {
                    case 0 -> Boolean.TRUE;
                    case 1 -> Boolean.FALSE;
                    case 2 -> b.get();
                    case 3 -> b.getShort();
                    case 4 -> b.getInt();
                    case 5, 8 -> b.getLong();
                    case 6 -> {
                        byte[] v = new byte[Short.toUnsignedInt(b.getShort())];
                        b.get(v);
                        yield v;
                    }
                    case 7 -> string(b, Short.toUnsignedInt(b.getShort()));
                    case 9 -> new UUID(b.getLong(), b.getLong());
                    default -> throw new FramingException("unknown header value type " + type);
                };
                out.put(name, value);
            }
        } catch (java.nio.BufferUnderflowException e) {
            throw new FramingException("a header runs past the header block");
        }
        return Collections.unmodifiableMap(out);
    }

    private static String string(ByteBuffer b, int length) {
        byte[] v = new byte[length];
        b.get(v);
        return new String(v, StandardCharsets.UTF_8);
    }
}
