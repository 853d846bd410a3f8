package io.heimdall.core.internal.wire;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An upstream's OpenAI {@code chat.completion.chunk} JSON, read only as far as relaying it untouched needs: whether a
 * choice finished in it, whether it carries usage (such a chunk is decoded too, for the gateway's accounting), whether
 * it is an error object, and where a {@code "usage":null} member is (cut out for a client that did not ask for usage:
 * the gateway always asks the upstream for it). The whole text is checked to be one JSON object.
 */
public final class RelayedChunk {
    private final byte[] bytes;
    private final int length;
    private final boolean finished;
    private final boolean usage;
    private final boolean error;
    /** The {@code "usage":null} member with its comma, {@code [cutFrom, cutTo)}; empty when there is none. */
    private final int cutFrom;
    private final int cutTo;
    private final Optional<String> id;
    private final Optional<String> model;
    private final List<String> finishReasons;

    private RelayedChunk(byte[] bytes, int length, boolean finished, boolean usage, boolean error, int nullUsageFrom,
                         int nullUsageTo, Optional<String> id, Optional<String> model, List<String> finishReasons) {
        this.bytes = bytes;
        this.length = length;
        this.id = id;
        this.model = model;
        this.finishReasons = finishReasons;
        this.finished = finished;
        this.usage = usage;
        this.error = error;
        if (nullUsageFrom < 0) {
            this.cutFrom = 0;
            this.cutTo = 0;
        } else {
            int from = nullUsageFrom;
            int to = nullUsageTo;
            int before = from - 1;
            while (before >= 0 && isSpace(bytes[before])) {
                before--;
            }
            if (before >= 0 && bytes[before] == ',') {
                from = before;
            } else {
                int after = to;
                while (after < length && isSpace(bytes[after])) {
                    after++;
                }
                if (after < length && bytes[after] == ',') {
                    to = after + 1;
                }
            }
            this.cutFrom = from;
            this.cutTo = to;
        }
    }

    /**
     * Reads {@code bytes} (UTF-8; kept, not copied), with its {@code id} and {@code model} when {@code wantIds}; empty
     * when it is not one JSON object (then it is for the decoder to judge).
     */
    static Optional<RelayedChunk> read(WireJson wire, byte[] bytes, int length, boolean wantIds) {
        Optional<RelayedChunk> scanned = RelayScan.read(bytes, length, wantIds);
        return scanned.isPresent() ? scanned : readWithParser(wire, bytes, length, wantIds);
    }

    /** As {@link #read}, with Jackson's parser: for what {@link RelayScan} leaves, and to check it in tests. */
    static Optional<RelayedChunk> readWithParser(WireJson wire, byte[] bytes, int length, boolean wantIds) {
        try (JsonParser p = wire.parser(bytes, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            Findings f = new Findings();
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                long nameAt = p.currentTokenLocation().getByteOffset();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "choices" -> {
                        if (value == JsonToken.START_ARRAY) {
                            f.choices(readChoices(p, f));
                        } else {
                            p.skipChildren();
                        }
                    }
                    case "usage" -> {
                        if (value == JsonToken.START_OBJECT) {
                            f.usage = true;
                            p.skipChildren();
                        } else if (value == JsonToken.VALUE_NULL) {
                            f.cutFrom = (int) nameAt;
                            f.cutTo = (int) p.currentLocation().getByteOffset();
                        } else {
                            p.skipChildren();
                        }
                    }
                    case "error" -> {
                        f.errorField = true;
                        p.skipChildren();
                    }
                    case "id" -> {
                        if (wantIds && value == JsonToken.VALUE_STRING) {
                            f.id = Optional.of(p.getText());
                        } else {
                            p.skipChildren();
                        }
                    }
                    case "model" -> {
                        if (wantIds && value == JsonToken.VALUE_STRING) {
                            f.model = Optional.of(p.getText());
                        } else {
                            p.skipChildren();
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                return Optional.empty();
            }
            return Optional.of(f.chunk(bytes, length));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** What a reader ({@link RelayScan} or the parser) found in a chunk so far; {@link #chunk} gives the result. */
    static final class Findings {
        boolean finished;
        boolean usage;
        boolean errorField;
        boolean choices;
        int cutFrom = -1;
        int cutTo = -1;
        Optional<String> id = Optional.empty();
        Optional<String> model = Optional.empty();
        /** The finish reasons found; made by the first (most chunks have none). */
        private List<String> reasons = List.of();

        void reason(String reason) {
            if (reasons.isEmpty()) {
                reasons = new ArrayList<>(1);
            }
            reasons.add(reason);
        }

        /** A {@code choices} array read: {@code seen} as {@link #readChoices} counts (the last array counts). */
        void choices(int seen) {
            choices = seen > 0;
            finished = seen > 1;
        }

        RelayedChunk chunk(byte[] bytes, int length) {
            return new RelayedChunk(bytes, length, finished, usage, errorField && !choices && !usage, cutFrom, cutTo, id,
                    model, reasons.isEmpty() ? List.of() : List.copyOf(reasons));
        }
    }

    /**
     * Reads the choices array up to its end: 0 when it is empty, 1 when no choice finished, 2 when one did (a string
     * {@code finish_reason}, added to the findings).
     */
    private static int readChoices(JsonParser p, Findings findings) throws IOException {
        int seen = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == null) {
                throw new IOException("unexpected end of input");
            }
            seen = Math.max(seen, 1);
            if (t != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (value == JsonToken.VALUE_STRING && "finish_reason".equals(field)) {
                    seen = 2;
                    findings.reason(p.getText());
                } else {
                    p.skipChildren();
                }
            }
        }
        return seen;
    }

    /** The chunk's {@code id}, when it was asked for and is a string. */
    public Optional<String> id() {
        return id;
    }

    /** The chunk's {@code model}, when it was asked for and is a string. */
    public Optional<String> model() {
        return model;
    }

    /** The finish reasons of the choices that finished in this chunk. */
    public List<String> finishReasons() {
        return finishReasons;
    }

    /** Whether a choice finished in this chunk. */
    public boolean finished() {
        return finished;
    }

    /** Whether this chunk carries a usage object. */
    public boolean carriesUsage() {
        return usage;
    }

    /** Whether this is an error object: an {@code error} member, no choices, no usage. */
    public boolean error() {
        return error;
    }

    /** The array holding the chunk as it arrived, from index 0 ({@link #length()} bytes; maybe the reader's own). */
    public byte[] bytes() {
        return bytes;
    }

    /** The chunk's length in {@link #bytes()}. */
    public int length() {
        return length;
    }

    /**
     * Where the {@code "usage":null} member and its comma begin: what to leave out of {@link #bytes()} for a client
     * that did not ask for usage ({@link #cutTo()} when there is none).
     */
    public int cutFrom() {
        return cutFrom;
    }

    /** Where the {@code "usage":null} member and its comma end. */
    public int cutTo() {
        return cutTo;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }
}
