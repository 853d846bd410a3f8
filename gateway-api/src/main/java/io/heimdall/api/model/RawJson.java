package io.heimdall.api.model;

import java.util.Objects;

/**
 * A JSON value kept as its exact text (an object, array, string, number, boolean or {@code null}), for fields the
 * canonical model carries through without interpreting: tool parameter schemas, logprobs, unknown request fields.
 *
 * @param json the JSON text of one value
 */
public record RawJson(String json) {
    /** The JSON literal {@code null}. */
    public static final RawJson NULL = new RawJson("null");

    /** Validates that the text is not blank. */
    public RawJson {
        Objects.requireNonNull(json, "json");
        if (json.isBlank()) {
            throw new IllegalArgumentException("raw JSON must not be blank");
        }
    }

    /** A JSON string value for the given text, escaped. */
    public static RawJson string(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return new RawJson(sb.append('"').toString());
    }

    @Override
    public String toString() {
        return json;
    }
}
