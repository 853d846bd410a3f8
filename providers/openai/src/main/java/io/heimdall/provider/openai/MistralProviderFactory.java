package io.heimdall.provider.openai;

import io.heimdall.api.plugin.ConfigSpec;
import io.heimdall.api.plugin.ConfigType;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.provider.Provider;
import io.heimdall.api.provider.ProviderFactory;

import java.util.Optional;

/**
 * Provider type {@code mistral}: Mistral AI's chat completions, embeddings ({@code mistral-embed},
 * {@code codestral-embed}) and model list, with the request rewritten where Mistral's API differs from OpenAI's (see
 * {@link MistralFlavor}). Mistral-only fields ({@code safe_prompt}, {@code prompt_mode}, {@code prediction}) pass
 * through from the client's request.
 *
 * <pre>{@code
 * providers:
 *   mistral:
 *     type: mistral
 *     keys: [ "${env:MISTRAL_API_KEY}" ]
 * }</pre>
 *
 * <p>Config keys: {@code base-url} (default {@value MistralFlavor#BASE_URL}), {@code timeout}, {@code headers}.
 */
public final class MistralProviderFactory implements ProviderFactory {
    /** The type name config refers to. */
    public static final String ID = "mistral";

    private static final ConfigSpec SPEC = ConfigSpec.builder()
            .optional("base-url", ConfigType.STRING, MistralFlavor.BASE_URL,
                    "Base URL of the Mistral API, up to and including the version path")
            .optional("timeout", ConfigType.DURATION, OpenAiProvider.DEFAULT_TIMEOUT,
                    "How long to wait for response headers, and between reads of a streamed body")
            .optional("headers", ConfigType.OBJECT,
                    "Extra static headers sent with every upstream request, name: value (none by default)")
            .build();

    /** Creates the factory; called by {@link java.util.ServiceLoader}. */
    public MistralProviderFactory() {
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Mistral AI (chat, streaming, tools, vision, JSON mode, embeddings, model listing)";
    }

    @Override
    public ConfigSpec configSpec() {
        return SPEC;
    }

    @Override
    public Provider create(PluginConfig config, PluginContext context) {
        return OpenAiProvider.create(config, context, Optional.of(MistralFlavor.BASE_URL), false, true,
                new MistralFlavor());
    }
}
