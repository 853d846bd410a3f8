package io.heimdall.core.internal.server;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * New request ids: {@code req_} and 32 lower-case hex digits of a random 128-bit value (the top bit of each half
 * set, so the text always has the same length, as before). Formatted through a lookup table into one small array.
 */
final class RequestIds {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final int LENGTH = 4 + 32;

    private RequestIds() {
    }

    /** A new random request id. */
    static String next() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        byte[] b = new byte[LENGTH];
        b[0] = 'r';
        b[1] = 'e';
        b[2] = 'q';
        b[3] = '_';
        hex(r.nextLong() | Long.MIN_VALUE, b, 4);
        hex(r.nextLong() | Long.MIN_VALUE, b, 20);
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static void hex(long v, byte[] b, int at) {
        for (int i = 15; i >= 0; i--) {
            b[at + i] = HEX[(int) (v & 0xF)];
            v >>>= 4;
        }
    }
}
