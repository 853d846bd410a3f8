package io.heimdall.testkit.internal;

import java.util.concurrent.ThreadLocalRandom;

/** Random ids in OpenAI's formats. */
public final class Ids {
    private static final char[] ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Ids() {
    }

    /** {@code chatcmpl-} and 29 base62 characters. */
    public static String completion() {
        return random("chatcmpl-", 29);
    }

    /** {@code call_} and 24 base62 characters. */
    public static String toolCall() {
        return random("call_", 24);
    }

    /** {@code req_} and 32 hex digits, as in OpenAI's {@code x-request-id} header. */
    public static String request() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        char[] c = new char[36];
        c[0] = 'r';
        c[1] = 'e';
        c[2] = 'q';
        c[3] = '_';
        long a = r.nextLong();
        long b = r.nextLong();
        for (int i = 0; i < 16; i++) {
            c[4 + i] = HEX[(int) (a >>> (i * 4)) & 15];
            c[20 + i] = HEX[(int) (b >>> (i * 4)) & 15];
        }
        return new String(c);
    }

    /** 1 to 16 random base62 characters, like the padding OpenAI adds to stream chunks. */
    public static String obfuscation() {
        return random("", 1 + ThreadLocalRandom.current().nextInt(16));
    }

    private static String random(String prefix, int length) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        char[] c = new char[prefix.length() + length];
        prefix.getChars(0, prefix.length(), c, 0);
        for (int i = prefix.length(); i < c.length; i++) {
            c[i] = ALPHABET[r.nextInt(ALPHABET.length)];
        }
        return new String(c);
    }
}
