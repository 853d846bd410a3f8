package io.heimdall.provider.anthropic;

import io.heimdall.api.plugin.ConfigSpec;
import io.heimdall.api.plugin.ConfigType;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.provider.Provider;
import io.heimdall.api.provider.ProviderFactory;

import java.util.List;

/**
 * Provider type {@code anthropic}: the Anthropic Messages API. Keys are sent as {@code x-api-key}, with
 * {@code anthropic-version} and, if configured, {@code anthropic-beta}.
 *
 * <pre>{@code
 * providers:
 *   anthropic:
 *     type: anthropic
 *     keys: [ "${env:ANTHROPIC_API_KEY}" ]
 *     default-max-tokens: 4096
 *     anthropic-beta: [ interleaved-thinking-2025-05-14 ]
 * }</pre>
 *
 * <p>Config keys: {@code base-url}, {@code timeout}, {@code anthropic-version}, {@code anthropic-beta},
 * {@code default-max-tokens}, {@code headers}, {@code models}.
 */
public final class AnthropicProviderFactory implements ProviderFactory {
    /** The type name config refers to. */
    public static final String ID = "anthropic";
    /** The default base URL (the API's paths start with {@code /v1}). */
    public static final String DEFAULT_BASE_URL = "https://api.anthropic.com";
    /** The default {@code anthropic-version} header. */
    public static final String DEFAULT_VERSION = "2023-06-01";

    private static final ConfigSpec SPEC = ConfigSpec.builder()
            .optional("base-url", ConfigType.STRING, DEFAULT_BASE_URL,
                    "Base URL of the Anthropic API, without the /v1 path")
            .optional("timeout", ConfigType.DURATION, "120s",
                    "How long to wait for response headers, and between reads of a streamed body")
            .optional("anthropic-version", ConfigType.STRING, DEFAULT_VERSION,
                    "The anthropic-version header sent with every request")
            .optional("anthropic-beta", List.of(),
                    "Beta features sent as the anthropic-beta header, comma-joined (none by default)")
            .optional("default-max-tokens", 4096L,
                    "max_tokens sent when a request sets no limit (the Messages API requires one)")
            .min(1)
            .optional("headers", ConfigType.OBJECT,
                    "Extra static headers sent with every upstream request, name: value (none by default)")
            .optional("models", List.of(),
                    "Models listed by GET /v1/models instead of asking the API (empty: ask the API)")
            .build();

    /** Creates the factory; called by {@link java.util.ServiceLoader}. */
    public AnthropicProviderFactory() {
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Anthropic Messages API (chat, streaming, tools, vision, JSON output, extended thinking, prompt caching)";
    }

    @Override
    public ConfigSpec configSpec() {
        return SPEC;
    }

    @Override
    public Provider create(PluginConfig config, PluginContext context) {
        return AnthropicProvider.create(config, context);
    }
}
