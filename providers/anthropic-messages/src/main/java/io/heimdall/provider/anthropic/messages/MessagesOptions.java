package io.heimdall.provider.anthropic.messages;

import java.util.Objects;
import java.util.Optional;

/**
 * How a Messages API body is written for one endpoint.
 *
 * @param provider         the configured provider name, for error messages
 * @param defaultMaxTokens {@code max_tokens} when the request sets no limit (the Messages API requires one)
 * @param modelInBody      whether the body names the model (the Anthropic API: yes; Vertex AI: no, it is in the URL)
 * @param bodyVersion      an {@code anthropic_version} body field (Vertex AI: {@code vertex-2023-10-16}); the
 *                         Anthropic API takes the version as a header instead
 */
public record MessagesOptions(String provider, int defaultMaxTokens, boolean modelInBody,
                              Optional<String> bodyVersion) {
    /** The body version Vertex AI expects. */
    public static final String VERTEX_VERSION = "vertex-2023-10-16";

    /** Validates the fields. */
    public MessagesOptions {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(bodyVersion, "bodyVersion");
        if (defaultMaxTokens < 1) {
            throw new IllegalArgumentException("defaultMaxTokens must be positive");
        }
    }

    /** Options for the Anthropic API itself: model in the body, version in a header. */
    public static MessagesOptions anthropic(String provider, int defaultMaxTokens) {
        return new MessagesOptions(provider, defaultMaxTokens, true, Optional.empty());
    }

    /** Options for Claude on Vertex AI: no model in the body, {@code anthropic_version: vertex-2023-10-16}. */
    public static MessagesOptions vertex(String provider, int defaultMaxTokens) {
        return new MessagesOptions(provider, defaultMaxTokens, false, Optional.of(VERTEX_VERSION));
    }
}
