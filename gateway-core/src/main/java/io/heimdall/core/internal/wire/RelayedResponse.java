package io.heimdall.core.internal.wire;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.heimdall.api.model.Usage;
import io.heimdall.api.observe.ResponseInfo;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An upstream's OpenAI {@code chat.completion} JSON, read only as far as relaying it untouched needs: that it is the
 * plain shape (one object with a string {@code id} and {@code model} and a {@code choices} array of objects that each
 * have a {@code message} object, no {@code error} member) and its usage, for the gateway's accounting. Anything else is
 * for the decoder to read, or to report as it always has.
 */
public final class RelayedResponse {
    private final byte[] bytes;
    private final Optional<Usage> usage;
    private final ResponseInfo info;

    private RelayedResponse(byte[] bytes, Optional<Usage> usage, ResponseInfo info) {
        this.bytes = bytes;
        this.usage = usage;
        this.info = info;
    }

    /** Reads {@code body}; empty unless it is the plain shape described above. */
    static Optional<RelayedResponse> read(WireJson wire, byte[] body) {
        try (JsonParser p = wire.parser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            Optional<String> id = Optional.empty();
            Optional<String> model = Optional.empty();
            List<String> reasons = new ArrayList<>(1);
            boolean choices = false;
            Optional<Usage> usage = Optional.empty();
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "id" -> id = value == JsonToken.VALUE_STRING ? Optional.of(p.getText()) : Optional.empty();
                    case "model" -> model = value == JsonToken.VALUE_STRING ? Optional.of(p.getText())
                            : Optional.empty();
                    case "choices" -> {
                        if (value != JsonToken.START_ARRAY || !readChoices(p, reasons)) {
                            return Optional.empty();
                        }
                        choices = true;
                    }
                    case "usage" -> {
                        if (value == JsonToken.START_OBJECT) {
                            Optional<Usage> read = readUsage(p);
                            if (read.isEmpty()) {
                                return Optional.empty();
                            }
                            usage = read;
                        } else if (value != JsonToken.VALUE_NULL) {
                            return Optional.empty();
                        }
                    }
                    case "error" -> {
                        return Optional.empty();
                    }
                    default -> p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null || id.isEmpty() || model.isEmpty() || !choices) {
                return Optional.empty();
            }
            return Optional.of(new RelayedResponse(body, usage, new ResponseInfo(id, model, reasons)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Reads the choices array to its end, adding each string {@code finish_reason} to {@code reasons}; false when a
     * choice is not an object with a {@code message} object.
     */
    private static boolean readChoices(JsonParser p, List<String> reasons) throws IOException {
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.START_OBJECT) {
                return false;
            }
            boolean message = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if ("message".equals(field)) {
                    if (value != JsonToken.START_OBJECT) {
                        return false;
                    }
                    message = true;
                } else if ("finish_reason".equals(field) && value == JsonToken.VALUE_STRING) {
                    reasons.add(p.getText());
                }
                p.skipChildren();
            }
            if (!message) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads a usage object as the decoder does (missing counts 0, a missing total the sum, the cached and reasoning
     * details when they are integers); empty when a count is there but not an integer.
     */
    private static Optional<Usage> readUsage(JsonParser p) throws IOException {
        long prompt = 0;
        long completion = 0;
        long total = 0;
        boolean totalGiven = false;
        Optional<Long> cached = Optional.empty();
        Optional<Long> reasoning = Optional.empty();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "prompt_tokens", "completion_tokens", "total_tokens" -> {
                    if (value != JsonToken.VALUE_NUMBER_INT) {
                        return Optional.empty();
                    }
                    long n = p.getLongValue();
                    switch (field) {
                        case "prompt_tokens" -> prompt = n;
                        case "completion_tokens" -> completion = n;
                        default -> {
                            total = n;
                            totalGiven = true;
                        }
                    }
                }
                case "prompt_tokens_details" -> cached = detail(p, value, "cached_tokens");
                case "completion_tokens_details" -> reasoning = detail(p, value, "reasoning_tokens");
                default -> p.skipChildren();
            }
        }
        return Optional.of(new Usage(prompt, completion, totalGiven ? total : prompt + completion, cached, reasoning,
                Map.of()));
    }

    /** The integer member {@code name} of a details object, read to its end. */
    private static Optional<Long> detail(JsonParser p, JsonToken value, String name) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            p.skipChildren();
            return Optional.empty();
        }
        Optional<Long> found = Optional.empty();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            if (v == JsonToken.VALUE_NUMBER_INT && name.equals(field)) {
                found = Optional.of(p.getLongValue());
            } else {
                p.skipChildren();
            }
        }
        return found;
    }

    /** The response as it arrived. */
    public byte[] bytes() {
        return bytes;
    }

    /** Its id, model and finish reasons. */
    public ResponseInfo info() {
        return info;
    }

    /** Its usage, when it has a usage object. */
    public Optional<Usage> usage() {
        return usage;
    }
}
