package io.heimdall.provider.cohere;

import io.heimdall.api.plugin.ConfigSpec;
import io.heimdall.api.plugin.ConfigType;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.provider.Provider;
import io.heimdall.api.provider.ProviderFactory;

/**
 * Provider type {@code cohere}: Cohere's v2 Chat API (text, images for vision models, tools, documents, JSON mode and
 * schemas, streaming), Embed v2 and the model list, with the key sent as {@code Authorization: Bearer}.
 *
 * <pre>{@code
 * providers:
 *   cohere:
 *     type: cohere
 *     keys: [ "${env:CO_API_KEY}" ]
 *     embed-input-type: search_document
 * }</pre>
 *
 * <p>Config keys: {@code base-url} (default {@value #DEFAULT_BASE_URL}), {@code timeout}, {@code embed-input-type},
 * {@code client-name}.
 */
public final class CohereProviderFactory implements ProviderFactory {
    /** The type name config refers to. */
    public static final String ID = "cohere";
    /** The default base URL (without version: the paths carry {@code /v2/...} and {@code /v1/models}). */
    public static final String DEFAULT_BASE_URL = "https://api.cohere.com";

    private static final ConfigSpec SPEC = ConfigSpec.builder()
            .optional("base-url", ConfigType.STRING, DEFAULT_BASE_URL,
                    "Base URL of the Cohere API without the version path")
            .optional("timeout", ConfigType.DURATION, "60s",
                    "How long to wait for response headers, and between reads of a streamed body")
            .optional("embed-input-type", ConfigType.STRING, "search_document",
                    "input_type of embed requests unless the request sets input_type")
            .oneOf("search_document", "search_query", "classification", "clustering")
            .optional("client-name", ConfigType.STRING, "Sent as X-Client-Name (none by default)")
            .build();

    /** Creates the factory; called by {@link java.util.ServiceLoader}. */
    public CohereProviderFactory() {
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Cohere v2 (chat, streaming, tools, documents, JSON mode, vision models, embeddings, model listing)";
    }

    @Override
    public ConfigSpec configSpec() {
        return SPEC;
    }

    @Override
    public Provider create(PluginConfig config, PluginContext context) {
        return CohereProvider.create(config, context);
    }
}
