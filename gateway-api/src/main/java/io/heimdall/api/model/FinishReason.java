package io.heimdall.api.model;

import java.util.Objects;

/**
 * Why a choice stopped, as the OpenAI wire value. Providers map their own reasons onto the constants; an unknown value
 * from an OpenAI-compatible upstream is kept as it came.
 *
 * @param value the wire value, for example {@code stop}
 */
public record FinishReason(String value) {
    /** Natural end or a stop sequence. */
    public static final FinishReason STOP = new FinishReason("stop");
    /** The token limit was reached. */
    public static final FinishReason LENGTH = new FinishReason("length");
    /** The model called one or more tools. */
    public static final FinishReason TOOL_CALLS = new FinishReason("tool_calls");
    /** Content was withheld by a filter. */
    public static final FinishReason CONTENT_FILTER = new FinishReason("content_filter");
    /** Deprecated single function call. */
    public static final FinishReason FUNCTION_CALL = new FinishReason("function_call");

    /** Validates the value. */
    public FinishReason {
        Objects.requireNonNull(value, "value");
    }

    /** The constant for a wire value, or a new instance for an unknown one. */
    public static FinishReason of(String value) {
        return switch (value) {
            case "stop" -> STOP;
            case "length" -> LENGTH;
            case "tool_calls" -> TOOL_CALLS;
            case "content_filter" -> CONTENT_FILTER;
            case "function_call" -> FUNCTION_CALL;
            default -> new FinishReason(value);
        };
    }

    @Override
    public String toString() {
        return value;
    }
}
