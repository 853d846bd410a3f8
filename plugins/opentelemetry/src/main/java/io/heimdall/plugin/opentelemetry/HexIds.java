package io.heimdall.plugin.opentelemetry;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Trace and span ids as numbers (a trace id is two longs, a span id one), random like the SDK's default generator,
 * and their lower-case hex forms made only where text is needed: the {@code traceparent} header and the export.
 * A span keeps no id strings while it waits for export, so a young collection has fewer objects to copy.
 */
final class HexIds {
    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private HexIds() {
    }

    /** A random non-zero id (zero is the W3C's invalid id). */
    static long randomId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long id;
        do {
            id = random.nextLong();
        } while (id == 0);
        return id;
    }

    /** A span id's 16 hex digits. */
    static String hex(long id) {
        byte[] s = new byte[16];
        digits(s, 0, id);
        return new String(s, StandardCharsets.ISO_8859_1);
    }

    /** A trace id's 32 hex digits. */
    static String hex(long high, long low) {
        byte[] s = new byte[32];
        digits(s, 0, high);
        digits(s, 16, low);
        return new String(s, StandardCharsets.ISO_8859_1);
    }

    /** The 16 hex digits of {@code hex} from {@code from} as a long (the id is already validated). */
    static long parse(String hex, int from) {
        return HexFormat.fromHexDigitsToLong(hex, from, from + 16); // parsing only: ids are written by digits()
    }

    /** The W3C {@code traceparent} value: {@code 00-<trace id>-<span id>-<flags>}. */
    static String traceparent(long traceHigh, long traceLow, long spanId, boolean sampled) {
        byte[] s = new byte[55];
        s[0] = '0';
        s[1] = '0';
        s[2] = '-';
        digits(s, 3, traceHigh);
        digits(s, 19, traceLow);
        s[35] = '-';
        digits(s, 36, spanId);
        s[52] = '-';
        s[53] = '0';
        s[54] = (byte) (sampled ? '1' : '0');
        return new String(s, StandardCharsets.ISO_8859_1);
    }

    /** Writes the 16 lower-case hex digits of {@code id} at {@code at}. */
    private static void digits(byte[] to, int at, long id) {
        for (int i = 15; i >= 0; i--) {
            to[at + i] = (byte) DIGITS[(int) (id & 0xf)];
            id >>>= 4;
        }
    }
}
