package io.heimdall.api.model;

import java.util.Map;
import java.util.Optional;

/**
 * Token usage of one response.
 *
 * <p>{@code cachedTokens} and {@code reasoningTokens} are the typed values of
 * {@code prompt_tokens_details.cached_tokens} and {@code completion_tokens_details.reasoning_tokens}. The rest of
 * those two objects stays in {@code extra} as it came; when encoding, a present typed value is written into its
 * object (replacing the value in {@code extra}, or creating the object), and an absent one leaves {@code extra}'s
 * object as it is.
 *
 * @param promptTokens     tokens in the prompt
 * @param completionTokens tokens generated
 * @param totalTokens      their sum as reported by the provider
 * @param cachedTokens     prompt tokens read from the provider's prompt cache
 * @param reasoningTokens  completion tokens spent on reasoning
 * @param extra            further fields such as {@code prompt_tokens_details}, passed through
 */
public record Usage(long promptTokens, long completionTokens, long totalTokens, Optional<Long> cachedTokens,
                    Optional<Long> reasoningTokens, Map<String, RawJson> extra) {
    /** Normalises the fields. */
    public Usage {
        cachedTokens = Values.opt(cachedTokens);
        reasoningTokens = Values.opt(reasoningTokens);
        extra = Values.map(extra);
    }

    /** Usage without typed details. */
    public Usage(long promptTokens, long completionTokens, long totalTokens, Map<String, RawJson> extra) {
        this(promptTokens, completionTokens, totalTokens, Optional.empty(), Optional.empty(), extra);
    }

    /** Usage with the total computed from its parts. */
    public static Usage of(long promptTokens, long completionTokens) {
        return new Usage(promptTokens, completionTokens, promptTokens + completionTokens, Map.of());
    }

    /** The same usage with the cached prompt tokens set. */
    public Usage withCachedTokens(long value) {
        return new Usage(promptTokens, completionTokens, totalTokens, Optional.of(value), reasoningTokens, extra);
    }

    /** The same usage with the reasoning tokens set. */
    public Usage withReasoningTokens(long value) {
        return new Usage(promptTokens, completionTokens, totalTokens, cachedTokens, Optional.of(value), extra);
    }
}
