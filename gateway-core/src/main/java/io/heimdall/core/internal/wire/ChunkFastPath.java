package io.heimdall.core.internal.wire;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChunkChoice;
import io.heimdall.api.model.ChunkDelta;
import io.heimdall.api.model.FinishReason;
import io.heimdall.api.model.RawJson;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decodes the common stream chunk straight from the parser's tokens, without building a tree: text and role deltas,
 * {@code "usage":null}, {@code finish_reason}, and unknown top-level or delta fields that are strings, booleans or
 * {@code null} (OpenAI's {@code obfuscation}). Anything else (tool calls, thinking blocks, logprobs, a usage object,
 * numbers in unknown fields, a type it does not expect) makes it give up, and the chunk is decoded by the tree
 * decoder, which also reports malformed input. Where it succeeds, it gives exactly what the tree decoder gives.
 */
final class ChunkFastPath {
    /** Thrown to give up; no stack trace (it is control flow, rare on the common path). */
    private static final class GiveUp extends Exception {
        private static final GiveUp INSTANCE = new GiveUp();

        private GiveUp() {
            super(null, null, false, false);
        }
    }

    private ChunkFastPath() {
    }

    /** The chunk, or empty when the tree decoder must decode it. */
    static Optional<ChatChunk> decode(JsonParser p) {
        try {
            return Optional.of(chunk(p));
        } catch (GiveUp | IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static ChatChunk chunk(JsonParser p) throws IOException, GiveUp {
        expect(p.nextToken() == JsonToken.START_OBJECT);
        String id = "chatcmpl-unknown";
        long created = 0;
        String model = "";
        Optional<String> fingerprint = Optional.empty();
        List<ChunkChoice> choices = List.of();
        Map<String, RawJson> extra = null;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "id" -> id = string(p, v).orElse("chatcmpl-unknown");
                case "object" -> string(p, v);
                case "created" -> {
                    expect(v == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER);
                    created = p.getLongValue();
                }
                case "model" -> model = string(p, v).orElse("");
                case "system_fingerprint" -> fingerprint = string(p, v);
                case "usage" -> expect(v == JsonToken.VALUE_NULL);
                case "choices" -> choices = choices(p, v);
                default -> {
                    if (extra == null) {
                        extra = new LinkedHashMap<>();
                    }
                    extra.put(name, scalar(p, v));
                }
            }
        }
        expect(t == JsonToken.END_OBJECT);
        return new ChatChunk(id, created, model, choices, Optional.empty(), fingerprint,
                extra == null ? Map.of() : extra);
    }

    private static List<ChunkChoice> choices(JsonParser p, JsonToken v) throws IOException, GiveUp {
        if (v == JsonToken.VALUE_NULL) {
            return List.of();
        }
        expect(v == JsonToken.START_ARRAY);
        List<ChunkChoice> out = new ArrayList<>(1);
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.START_OBJECT) {
            out.add(choice(p));
        }
        expect(t == JsonToken.END_ARRAY);
        return out;
    }

    private static ChunkChoice choice(JsonParser p) throws IOException, GiveUp {
        int index = 0;
        ChunkDelta delta = ChunkDelta.EMPTY;
        Optional<FinishReason> finish = Optional.empty();
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "index" -> {
                    expect(v == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT);
                    index = p.getIntValue();
                }
                case "delta" -> delta = delta(p, v);
                case "finish_reason" -> finish = string(p, v).map(FinishReason::of);
                case "logprobs" -> expect(v == JsonToken.VALUE_NULL);
                default -> p.skipChildren(); // a choice keeps no unknown fields (as the tree decoder)
            }
        }
        expect(t == JsonToken.END_OBJECT);
        return new ChunkChoice(index, delta, finish, Optional.empty());
    }

    private static ChunkDelta delta(JsonParser p, JsonToken v) throws IOException, GiveUp {
        if (v == JsonToken.VALUE_NULL) {
            return ChunkDelta.EMPTY;
        }
        expect(v == JsonToken.START_OBJECT);
        Optional<String> role = Optional.empty();
        Optional<String> content = Optional.empty();
        Optional<String> refusal = Optional.empty();
        Optional<String> reasoning = Optional.empty();
        Set<String> nulls = Set.of();
        Map<String, RawJson> extra = null;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken f = p.nextToken();
            switch (name) {
                case "role", "content", "refusal", "reasoning_content" -> {
                    Optional<String> value = string(p, f);
                    switch (name) {
                        case "role" -> role = value;
                        case "content" -> content = value;
                        case "refusal" -> refusal = value;
                        default -> reasoning = value;
                    }
                    if (f == JsonToken.VALUE_NULL) {
                        if (nulls.isEmpty()) {
                            nulls = new HashSet<>(4);
                        }
                        nulls.add(name);
                    } else if (!nulls.isEmpty()) {
                        nulls.remove(name);
                    }
                }
                case "tool_calls", "thinking_blocks" -> throw GiveUp.INSTANCE;
                default -> {
                    if (extra == null) {
                        extra = new LinkedHashMap<>();
                    }
                    extra.put(name, scalar(p, f));
                }
            }
        }
        expect(t == JsonToken.END_OBJECT);
        return new ChunkDelta(role, content, refusal, List.of(), reasoning, List.of(), nulls,
                extra == null ? Map.of() : extra);
    }

    /** A string or null; anything else gives up (the tree decoder reports a wrong type). */
    private static Optional<String> string(JsonParser p, JsonToken v) throws IOException, GiveUp {
        if (v == JsonToken.VALUE_NULL) {
            return Optional.empty();
        }
        expect(v == JsonToken.VALUE_STRING);
        return Optional.of(p.getText());
    }

    /** An unknown field's value as the tree decoder keeps it: strings re-quoted, booleans, null. */
    private static RawJson scalar(JsonParser p, JsonToken v) throws IOException, GiveUp {
        return switch (v) {
            case VALUE_STRING -> new RawJson(SourceTree.quote(p.getText()));
            case VALUE_TRUE -> new RawJson("true");
            case VALUE_FALSE -> new RawJson("false");
            case VALUE_NULL -> RawJson.NULL;
            default -> throw GiveUp.INSTANCE;
        };
    }

    private static void expect(boolean condition) throws GiveUp {
        if (!condition) {
            throw GiveUp.INSTANCE;
        }
    }
}
