package io.heimdall.provider.gemini;

import io.heimdall.api.plugin.ConfigSpec;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.provider.Provider;
import io.heimdall.api.provider.ProviderFactory;

import java.time.Duration;

/**
 * Provider type {@code gemini}: Google AI Studio. The key (under the entry's {@code keys}) is sent as
 * {@code x-goog-api-key}.
 *
 * <pre>{@code
 * providers:
 *   gemini:
 *     type: gemini
 *     keys: [ "${env:GEMINI_API_KEY}" ]
 *     timeout: 60s
 * }</pre>
 *
 * <p>Config keys: {@code base-url} (default {@value #DEFAULT_BASE_URL}), {@code api-version} (default
 * {@value #DEFAULT_API_VERSION}; not added when {@code base-url} already ends with a version), {@code timeout}.
 */
public final class GeminiProviderFactory implements ProviderFactory {
    /** The type name config refers to. */
    public static final String ID = "gemini";
    /** The default base URL. */
    public static final String DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com";
    /** The default API version path. */
    public static final String DEFAULT_API_VERSION = "v1beta";

    private static final ConfigSpec SPEC = ConfigSpec.builder()
            .optional("base-url", DEFAULT_BASE_URL, "Base URL of the Gemini API (with or without the version path)")
            .optional("api-version", DEFAULT_API_VERSION,
                    "API version path added to base-url unless it already ends with one (v1beta or v1)")
            .optional("timeout", Duration.ofSeconds(60),
                    "How long to wait for response headers, and between reads of a streamed body")
            .build();

    /** Creates the factory; called by {@link java.util.ServiceLoader}. */
    public GeminiProviderFactory() {
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Google Gemini API / AI Studio (chat, streaming, tools, vision, JSON mode, thinking, embeddings, "
                + "model listing)";
    }

    @Override
    public ConfigSpec configSpec() {
        return SPEC;
    }

    @Override
    public Provider create(PluginConfig config, PluginContext context) {
        return GeminiProvider.create(config, context);
    }
}
