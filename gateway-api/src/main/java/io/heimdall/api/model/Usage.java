package io.heimdall.api.model;

import java.util.Map;

/**
 * Token usage of one response.
 *
 * @param promptTokens     tokens in the prompt
 * @param completionTokens tokens generated
 * @param totalTokens      their sum as reported by the provider
 * @param extra            further fields such as {@code prompt_tokens_details}, passed through
 */
public record Usage(long promptTokens, long completionTokens, long totalTokens, Map<String, RawJson> extra) {
    /** Normalises {@code extra}. */
    public Usage {
        extra = Values.map(extra);
    }

    /** Usage with the total computed from its parts. */
    public static Usage of(long promptTokens, long completionTokens) {
        return new Usage(promptTokens, completionTokens, promptTokens + completionTokens, Map.of());
    }
}
