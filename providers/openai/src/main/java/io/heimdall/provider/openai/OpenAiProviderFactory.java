package io.heimdall.provider.openai;

import io.heimdall.api.plugin.ConfigSpec;
import io.heimdall.api.plugin.ConfigType;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.provider.Provider;
import io.heimdall.api.provider.ProviderFactory;

/**
 * Provider type {@code openai}: the OpenAI API itself. An API key is required (under the entry's {@code keys}); it is
 * sent as {@code Authorization: Bearer <key>}.
 *
 * <pre>{@code
 * providers:
 *   openai:
 *     type: openai
 *     keys: [ "${env:OPENAI_API_KEY}" ]
 *     organization: org-abc      # optional, sent as OpenAI-Organization
 *     project: proj_abc          # optional, sent as OpenAI-Project
 *     timeout: 60s
 * }</pre>
 *
 * <p>Config keys: {@code base-url} (default {@value #DEFAULT_BASE_URL}), {@code timeout}, {@code organization},
 * {@code project}, {@code headers}.
 */
public final class OpenAiProviderFactory implements ProviderFactory {
    /** The type name config refers to. */
    public static final String ID = "openai";
    /** The default base URL. */
    public static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";

    private static final ConfigSpec SPEC = ConfigSpec.builder()
            .optional("base-url", ConfigType.STRING, DEFAULT_BASE_URL,
                    "Base URL of the OpenAI API, up to and including the version path")
            .optional("timeout", ConfigType.DURATION, OpenAiProvider.DEFAULT_TIMEOUT,
                    "How long to wait for response headers, and between reads of a streamed body")
            .optional("organization", ConfigType.STRING,
                    "OpenAI organization id sent as the OpenAI-Organization header (none by default)")
            .optional("project", ConfigType.STRING,
                    "OpenAI project id sent as the OpenAI-Project header (none by default)")
            .optional("headers", ConfigType.OBJECT,
                    "Extra static headers sent with every upstream request, name: value (none by default)")
            .build();

    /** Creates the factory; called by {@link java.util.ServiceLoader}. */
    public OpenAiProviderFactory() {
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "OpenAI API (chat, streaming, tools, vision, JSON mode, embeddings, model listing)";
    }

    @Override
    public ConfigSpec configSpec() {
        return SPEC;
    }

    @Override
    public Provider create(PluginConfig config, PluginContext context) {
        return OpenAiProvider.create(config, context, true, true);
    }
}
