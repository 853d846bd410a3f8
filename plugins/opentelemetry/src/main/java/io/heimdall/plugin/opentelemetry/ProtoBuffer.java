package io.heimdall.plugin.opentelemetry;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte array that protocol buffers fields are written into, in the wire format of
 * <a href="https://protobuf.dev/programming-guides/encoding/">the encoding guide</a>: varints, little-endian fixed
 * 32- and 64-bit values, and length-delimited fields. A nested message's length is written when it ends
 * ({@link #begin} reserves one byte for it; {@link #end} moves the message's bytes up when the length needs more), so
 * a message is written in one pass, without computing its size first.
 */
final class ProtoBuffer {
    static final int VARINT = 0;
    static final int I64 = 1;
    static final int LEN = 2;
    static final int I32 = 5;

    private byte[] bytes;
    private int length;

    ProtoBuffer(int capacity) {
        bytes = new byte[Math.max(16, capacity)];
    }

    /** The array written so far (its first {@link #length} bytes). */
    byte[] array() {
        return bytes;
    }

    /** How many bytes are written. */
    int length() {
        return length;
    }

    /** The bytes written, in an array of their own. */
    byte[] toByteArray() {
        return Arrays.copyOf(bytes, length);
    }

    /** The number of bytes {@code value}'s varint takes. */
    static int varintSize(long value) {
        return value == 0 ? 1 : (63 - Long.numberOfLeadingZeros(value)) / 7 + 1;
    }

    /** A field's tag: its number and wire type. */
    void tag(int field, int wireType) {
        varint(((long) field << 3) | wireType);
    }

    void varint(long value) {
        ensure(10);
        while ((value & ~0x7FL) != 0) {
            bytes[length++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        bytes[length++] = (byte) value;
    }

    void fixed64(long value) {
        ensure(8);
        for (int i = 0; i < 8; i++) {
            bytes[length++] = (byte) (value >>> (8 * i));
        }
    }

    void fixed32(int value) {
        ensure(4);
        for (int i = 0; i < 4; i++) {
            bytes[length++] = (byte) (value >>> (8 * i));
        }
    }

    /** Eight bytes, most significant first: how OTLP writes a trace or span id's bytes. */
    void bigEndian(long value) {
        ensure(8);
        for (int i = 7; i >= 0; i--) {
            bytes[length++] = (byte) (value >>> (8 * i));
        }
    }

    void raw(byte[] b) {
        raw(b, 0, b.length);
    }

    void raw(byte[] b, int offset, int count) {
        ensure(count);
        System.arraycopy(b, offset, bytes, length, count);
        length += count;
    }

    void raw(byte b) {
        ensure(1);
        bytes[length++] = b;
    }

    /**
     * Makes room for {@code n} more bytes and returns where they start, for a caller that writes them straight into
     * {@link #array} and then calls {@link #advanceTo}.
     */
    int claim(int n) {
        ensure(n);
        return length;
    }

    /** Marks the bytes up to {@code end} (claimed and written by the caller) as written. */
    void advanceTo(int end) {
        length = end;
    }

    /** A varint field (written even when zero: for a {@code oneof} member its presence is the point). */
    void varintField(int field, long value) {
        tag(field, VARINT);
        varint(value);
    }

    void fixed64Field(int field, long value) {
        tag(field, I64);
        fixed64(value);
    }

    void doubleField(int field, double value) {
        fixed64Field(field, Double.doubleToRawLongBits(value));
    }

    /** A string field, UTF-8. */
    void stringField(int field, String value) {
        int mark = begin(field);
        utf8(value);
        end(mark);
    }

    /**
     * Starts a length-delimited field (a nested message or a string written in pieces): writes its tag and reserves
     * one byte for its length. Returns the mark for {@link #end}.
     */
    int begin(int field) {
        tag(field, LEN);
        ensure(1);
        return length++;
    }

    /** Ends the field {@code mark} began: writes its length, moving its bytes up if the length takes more than one. */
    void end(int mark) {
        close(mark, 1);
    }

    /**
     * {@link #begin} for a field that is usually 128 to 16,383 bytes long (a span): reserves two bytes for its length,
     * so that {@link #endWide} seldom has to move its bytes.
     */
    int beginWide(int field) {
        tag(field, LEN);
        ensure(2);
        int mark = length;
        length += 2;
        return mark;
    }

    /** Ends the field {@code mark} of {@link #beginWide} began. */
    void endWide(int mark) {
        close(mark, 2);
    }

    /** Writes the length of the field whose {@code reserved} length bytes start at {@code mark}, moving it if needed. */
    private void close(int mark, int reserved) {
        int size = length - mark - reserved;
        int shift = varintSize(size) - reserved;
        if (shift != 0) {
            ensure(Math.max(0, shift));
            System.arraycopy(bytes, mark + reserved, bytes, mark + reserved + shift, size);
            length += shift;
        }
        int at = mark;
        long v = size;
        while ((v & ~0x7FL) != 0) {
            bytes[at++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        bytes[at] = (byte) v;
    }

    /** Appends {@code s} in UTF-8 (a lone surrogate becomes {@code ?}, as {@link String#getBytes} does). */
    void utf8(String s) {
        int n = s.length();
        ensure(n);
        int i = 0;
        for (; i < n; i++) { // the common case: ASCII, one byte per char
            char c = s.charAt(i);
            if (c >= 0x80) {
                break;
            }
            bytes[length++] = (byte) c;
        }
        if (i < n) {
            raw(s.substring(i).getBytes(StandardCharsets.UTF_8));
        }
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }
}
