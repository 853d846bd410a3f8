package io.heimdall.provider.openai;

import io.heimdall.api.plugin.ConfigSpec;
import io.heimdall.api.plugin.ConfigType;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.provider.Provider;
import io.heimdall.api.provider.ProviderFactory;

/**
 * Provider type {@code openai-compatible}: any server that speaks the OpenAI wire format, such as vLLM, Ollama, Groq,
 * OpenRouter, DeepSeek, Together, Fireworks, xAI, Cerebras or a self-hosted server. {@code base-url} is required; keys
 * are optional, and a provider without keys sends no {@code Authorization} header.
 *
 * <pre>{@code
 * providers:
 *   local:
 *     type: openai-compatible
 *     base-url: http://127.0.0.1:11434/v1
 *   openrouter:
 *     type: openai-compatible
 *     base-url: https://openrouter.ai/api/v1
 *     keys: [ "${env:OPENROUTER_API_KEY}" ]
 *     headers: { X-Title: Heimdall }
 * }</pre>
 *
 * <p>Config keys: {@code base-url} (required), {@code timeout}, {@code headers}.
 */
public final class OpenAiCompatibleProviderFactory implements ProviderFactory {
    /** The type name config refers to. */
    public static final String ID = "openai-compatible";

    private static final ConfigSpec SPEC = ConfigSpec.builder()
            .required("base-url", ConfigType.STRING,
                    "Base URL of the server's OpenAI API including the version path, e.g. http://host:8000/v1")
            .optional("timeout", ConfigType.DURATION, OpenAiProvider.DEFAULT_TIMEOUT,
                    "How long to wait for response headers, and between reads of a streamed body")
            .optional("headers", ConfigType.OBJECT,
                    "Extra static headers sent with every upstream request, name: value (none by default)")
            .build();

    /** Creates the factory; called by {@link java.util.ServiceLoader}. */
    public OpenAiCompatibleProviderFactory() {
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Any server speaking the OpenAI wire format (vLLM, Ollama, Groq, OpenRouter, DeepSeek, ...)";
    }

    @Override
    public ConfigSpec configSpec() {
        return SPEC;
    }

    @Override
    public Provider create(PluginConfig config, PluginContext context) {
        return OpenAiProvider.create(config, context, false, false);
    }
}
