package io.heimdall.provider.vertex;

import io.heimdall.api.plugin.ConfigSpec;
import io.heimdall.api.plugin.ConfigType;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.provider.Provider;
import io.heimdall.api.provider.ProviderFactory;

import java.time.Duration;

/**
 * Provider type {@code vertex}: Gemini and Claude models on Google Vertex AI, authenticated with OAuth tokens from a
 * service-account file, a fixed access token, or Application Default Credentials.
 *
 * <pre>{@code
 * providers:
 *   vertex:
 *     type: vertex
 *     project: my-project
 *     location: europe-west4
 *     credentials-file: /etc/heimdall/vertex-sa.json
 * }</pre>
 *
 * <p>Config keys: {@code project}, {@code location} (default {@value #DEFAULT_LOCATION}), {@code credentials-file},
 * {@code access-token}, {@code base-url}, {@code timeout}, {@code models}, {@code default-max-tokens}. Keys under {@code keys:} may carry
 * {@code service-account} (the JSON), {@code credentials-file} or {@code access-token} (or a {@code value}, used as
 * an access token).
 */
public final class VertexProviderFactory implements ProviderFactory {
    /** The type name config refers to. */
    public static final String ID = "vertex";
    /** The default region. */
    public static final String DEFAULT_LOCATION = "us-central1";

    private static final ConfigSpec SPEC = ConfigSpec.builder()
            .optional("project", ConfigType.STRING,
                    "Google Cloud project id (default: the project_id of credentials-file)")
            .optional("location", DEFAULT_LOCATION, "Vertex AI region, or global")
            .optional("credentials-file", ConfigType.STRING,
                    "Path of a service-account JSON key file (default: Application Default Credentials)")
            .optional("access-token", ConfigType.SECRET,
                    "A fixed OAuth access token, used instead of credentials (none by default)")
            .optional("base-url", ConfigType.STRING,
                    "Endpoint base URL (default https://{location}-aiplatform.googleapis.com); "
                    + "the model listing goes to {host}/v1beta1/publishers/google/models")
            .optional("timeout", Duration.ofSeconds(60),
                    "How long to wait for response headers, and between reads of a streamed body")
            .optional("models", ConfigType.STRING_LIST, "Models listed by GET /v1/models before the Gemini and "
                    + "embedding models of Google's publisher model list, and alone if it fails (list Claude models "
                    + "here)")
            .optional("default-max-tokens", 4096L, "max_tokens for Claude models when the request sets none")
            .build();

    private static final ConfigSpec KEY_SPEC = ConfigSpec.builder()
            .optional("service-account", ConfigType.SECRET, "A service-account JSON key, the JSON itself")
            .optional("credentials-file", ConfigType.SECRET, "Path of a service-account or other credentials file")
            .optional("access-token", ConfigType.SECRET, "A fixed OAuth access token")
            .build();

    /** Creates the factory; called by {@link java.util.ServiceLoader}. */
    public VertexProviderFactory() {
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Google Vertex AI, Gemini and Claude models (chat, streaming, tools, vision, JSON mode, thinking, embeddings)";
    }

    @Override
    public ConfigSpec configSpec() {
        return SPEC;
    }

    @Override
    public ConfigSpec keySpec() {
        return KEY_SPEC;
    }

    @Override
    public Provider create(PluginConfig config, PluginContext context) {
        return VertexProvider.create(config, context);
    }
}
