package io.heimdall.testkit.internal;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable, unsynchronised byte buffer whose array can be sent without a copy. */
public final class Buffer extends OutputStream {
    private byte[] bytes;
    private int size;

    /** A buffer with the given initial capacity. */
    public Buffer(int capacity) {
        this.bytes = new byte[capacity];
    }

    @Override
    public void write(int b) {
        ensure(1);
        bytes[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, bytes, size, len);
        size += len;
    }

    /** Appends ASCII text. */
    public Buffer ascii(String text) {
        ensure(text.length());
        for (int i = 0; i < text.length(); i++) {
            bytes[size++] = (byte) text.charAt(i);
        }
        return this;
    }

    /** The backing array; valid up to {@link #size()}. */
    public byte[] array() {
        return bytes;
    }

    /** The number of bytes written. */
    public int size() {
        return size;
    }

    /** Forgets the content, keeping the array. */
    public void reset() {
        size = 0;
    }

    /** A copy of the content. */
    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    @Override
    public String toString() {
        return new String(bytes, 0, size, StandardCharsets.UTF_8);
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}
