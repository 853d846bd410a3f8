package io.heimdall.core.internal.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The common stream chunk read for the untouched relay in one pass over its bytes, without a tokenizer: what
 * {@link RelayedChunk} needs (one JSON object? a choice finished, and why? usage? an error? where is a
 * {@code "usage":null} member?) and a strict check that the text is JSON (RFC 8259: strings with valid escapes and no
 * raw control characters, numbers in JSON's own form, {@code true}/{@code false}/{@code null}, nesting up to 32).
 * It answers only when it is sure: anything it does not handle (an escape in a member name, in an id, model or
 * finish reason, a number longer than 64 characters, deeper nesting, anything malformed) gives empty, and the chunk
 * is then read by Jackson's parser, which decides. Where it answers, it gives what that parser's reading gives
 * ({@code RelayScanTest} compares the two on real chunks and on thousands of mangled ones).
 */
final class RelayScan {
    private static final int MAX_DEPTH = 32;
    private static final int MAX_NUMBER = 64;
    /** Bytes a string's scan must stop at: the quote, the backslash, and the control characters JSON forbids raw. */
    private static final boolean[] STOP = new boolean[256];

    /** Eight bytes of the array at once, the first in the lowest bits: a string's scan tests a word per step. */
    private static final VarHandle WORD = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH = 0x8080808080808080L;
    private static final long QUOTES = ONES * '"';
    private static final long BACKSLASHES = ONES * '\\';
    private static final long SPACES = ONES * 0x20;

    static {
        for (int c = 0; c < 0x20; c++) {
            STOP[c] = true;
        }
        STOP['"'] = true;
        STOP['\\'] = true;
    }

    /** Thrown to give up; no stack trace (control flow). */
    private static final class Unsure extends Exception {
        private static final Unsure INSTANCE = new Unsure();

        private Unsure() {
            super(null, null, false, false);
        }
    }

    private final byte[] b;
    /** The chunk is {@code b[0, end)}; bytes past it are not the chunk's (a scan that runs into them ends unsure). */
    private final int end;
    private int i;

    private RelayScan(byte[] bytes, int length) {
        this.b = bytes;
        this.end = length;
    }

    /**
     * The chunk read, or empty when Jackson's parser must judge it. The string scans index without bounds checks: a
     * chunk cut off inside a string ends in an {@link ArrayIndexOutOfBoundsException}, taken as {@link Unsure}.
     */
    static Optional<RelayedChunk> read(byte[] bytes, int length, boolean wantIds) {
        try {
            return Optional.of(new RelayScan(bytes, length).chunk(wantIds));
        } catch (Unsure | RuntimeException e) {
            return Optional.empty();
        }
    }

    private RelayedChunk chunk(boolean wantIds) throws Unsure {
        space();
        expect('{');
        RelayedChunk.Findings f = new RelayedChunk.Findings();
        if (!empty('}')) {
            do {
                int nameAt = i;
                int nameEnd = memberName();
                int valueAt = i;
                if (is("choices", nameAt, nameEnd)) {
                    if (peek() == '[') {
                        f.choices(choices(f));
                    } else {
                        value(1);
                    }
                } else if (is("usage", nameAt, nameEnd)) {
                    byte first = peek();
                    value(1);
                    if (first == '{') {
                        f.usage = true;
                    } else if (first == 'n') {
                        f.cutFrom = nameAt;
                        f.cutTo = i;
                    }
                } else if (is("error", nameAt, nameEnd)) {
                    f.errorField = true;
                    value(1);
                } else if (wantIds && (is("id", nameAt, nameEnd) || is("model", nameAt, nameEnd))
                        && peek() == '"') {
                    String text = text(plainString(), valueAt);
                    if (b[nameAt + 1] == 'i') {
                        f.id = Optional.of(text);
                    } else {
                        f.model = Optional.of(text);
                    }
                } else {
                    value(1);
                }
            } while (more('}'));
        }
        space();
        if (i != end) {
            throw Unsure.INSTANCE;
        }
        return f.chunk(b, end);
    }

    /**
     * The choices array from its {@code [} to past its {@code ]}: 0 when it is empty, 1 when no choice finished, 2
     * when one did (a string {@code finish_reason}, added to the findings), as {@code RelayedChunk} counts them.
     */
    private int choices(RelayedChunk.Findings findings) throws Unsure {
        i++; // [
        if (empty(']')) {
            return 0;
        }
        int seen = 0;
        do {
            seen = Math.max(seen, 1);
            if (peek() != '{') {
                value(2);
                continue;
            }
            i++;
            if (empty('}')) {
                continue;
            }
            do {
                int nameAt = i;
                int nameEnd = memberName();
                if (is("finish_reason", nameAt, nameEnd) && peek() == '"') {
                    int at = i;
                    findings.reason(text(plainString(), at));
                    seen = 2;
                } else {
                    value(3);
                }
            } while (more('}'));
        } while (more(']'));
        return seen;
    }

    /** Skips one JSON value at nesting {@code depth}, checking its form. */
    private void value(int depth) throws Unsure {
        if (depth > MAX_DEPTH) {
            throw Unsure.INSTANCE;
        }
        switch (peek()) {
            case '"' -> string();
            case '{' -> {
                i++;
                if (empty('}')) {
                    return;
                }
                do {
                    string();
                    space();
                    expect(':');
                    space();
                    value(depth + 1);
                } while (more('}'));
            }
            case '[' -> {
                i++;
                if (empty(']')) {
                    return;
                }
                do {
                    value(depth + 1);
                } while (more(']'));
            }
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> number();
        }
    }

    /** A string without escapes (a member name, an id, a finish reason); returns the index of its closing quote. */
    private int plainString() throws Unsure {
        expect('"');
        i = stop(b, i);
        if (b[i] != '"') {
            throw Unsure.INSTANCE;
        }
        return i++;
    }

    /** Any string: escapes checked, raw control characters refused (the bytes are UTF-8 made from a Java string). */
    private void string() throws Unsure {
        expect('"');
        while (true) {
            i = stop(b, i);
            byte c = b[i++];
            if (c == '"') {
                return;
            }
            if (c != '\\') {
                throw Unsure.INSTANCE; // a raw control character
            }
            switch (b[i++]) {
                case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> { }
                case 'u' -> {
                    for (int k = 0; k < 4; k++) {
                        if (Character.digit(b[i++], 16) < 0) {
                            throw Unsure.INSTANCE;
                        }
                    }
                }
                default -> throw Unsure.INSTANCE;
            }
        }
    }

    /**
     * The index of the first byte at or after {@code j} that a string's scan stops at ({@link #STOP}), eight bytes a
     * step while the array has them: per byte, {@code x - 0x01} borrows into the high bit only where {@code x} is
     * zero (the quote or backslash XORed away) and {@code x - 0x20} where {@code x < 0x20}; the lowest flag is exact.
     * Past the array's end it throws {@link ArrayIndexOutOfBoundsException}, as the per-byte scan did.
     */
    private static int stop(byte[] b, int j) {
        for (int last = b.length - Long.BYTES; j <= last; j += Long.BYTES) {
            long w = (long) WORD.get(b, j);
            long quote = w ^ QUOTES;
            long backslash = w ^ BACKSLASHES;
            long found = ((quote - ONES) & ~quote | (backslash - ONES) & ~backslash | (w - SPACES) & ~w) & HIGH;
            if (found != 0) {
                return j + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        while (!STOP[b[j] & 0xFF]) {
            j++;
        }
        return j;
    }

    /** A number in JSON's form: {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}. */
    private void number() throws Unsure {
        int start = i;
        if (peek() == '-') {
            i++;
        }
        if (peek() == '0') {
            i++;
        } else {
            digits();
        }
        if (i < end && b[i] == '.') {
            i++;
            digits();
        }
        if (i < end && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            if (peek() == '+' || peek() == '-') {
                i++;
            }
            digits();
        }
        if (i - start > MAX_NUMBER) {
            throw Unsure.INSTANCE;
        }
    }

    private void digits() throws Unsure {
        if (!isDigit(peek())) {
            throw Unsure.INSTANCE;
        }
        while (i < end && isDigit(b[i])) {
            i++;
        }
    }

    /** The literal {@code word}; what follows it ("nullx") is the caller's separator check to refuse. */
    private void literal(String word) throws Unsure {
        for (int k = 0; k < word.length(); k++) {
            if (b[i++] != word.charAt(k)) {
                throw Unsure.INSTANCE;
            }
        }
    }

    /** Past spaces: true, and past {@code close} too, when the object or array just opened is empty. */
    private boolean empty(char close) throws Unsure {
        space();
        if (peek() == close) {
            i++;
            return true;
        }
        return false;
    }

    /** A member's plain name, its colon and the spaces around: returns the index of the name's closing quote. */
    private int memberName() throws Unsure {
        int end = plainString();
        space();
        expect(':');
        space();
        return end;
    }

    /** After a member or element: true past a comma (another follows), false past {@code close} (the last one). */
    private boolean more(char close) throws Unsure {
        space();
        if (peek() == ',') {
            i++;
            space();
            return true;
        }
        expect(close);
        return false;
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    private void space() {
        while (i < end && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) {
            i++;
        }
    }

    private byte peek() throws Unsure {
        if (i >= end) {
            throw Unsure.INSTANCE;
        }
        return b[i];
    }

    private void expect(char c) throws Unsure {
        if (peek() != c) {
            throw Unsure.INSTANCE;
        }
        i++;
    }

    /** Whether the member name between the quotes at {@code at} and {@code end} is {@code name}. */
    private boolean is(String name, int at, int end) {
        if (end - at - 1 != name.length()) {
            return false;
        }
        for (int k = 0; k < name.length(); k++) {
            if (b[at + 1 + k] != name.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /** The text of the plain string whose quotes are at {@code at} and {@code end}. */
    private String text(int end, int at) {
        return new String(b, at + 1, end - at - 1, StandardCharsets.UTF_8);
    }
}
