package io.heimdall.provider.bedrock;

import io.heimdall.api.plugin.ConfigSpec;
import io.heimdall.api.plugin.ConfigType;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.provider.Provider;
import io.heimdall.api.provider.ProviderFactory;

/**
 * Provider type {@code bedrock}: Amazon Bedrock through the Runtime Converse / ConverseStream API, requests signed
 * with SigV4 (or a Bedrock API key as bearer token).
 *
 * <pre>{@code
 * providers:
 *   bedrock:
 *     type: bedrock
 *     region: us-east-1
 *     models: [ anthropic.claude-sonnet-4-5-20250929-v1:0, amazon.titan-embed-text-v2:0 ]
 *     keys:
 *       - name: prod
 *         access-key-id: ${env:AWS_ACCESS_KEY_ID}
 *         secret-access-key: ${env:AWS_SECRET_ACCESS_KEY}
 * }</pre>
 *
 * <p>Config keys: {@code region}, {@code base-url}, {@code control-base-url}, {@code access-key-id},
 * {@code secret-access-key}, {@code session-token}, {@code timeout}, {@code models}. Key fields: {@code access-key-id},
 * {@code secret-access-key}, {@code session-token}; a key with only a {@code value} is a Bedrock API key.
 */
public final class BedrockProviderFactory implements ProviderFactory {
    /** The type name config refers to. */
    public static final String ID = "bedrock";

    private static final ConfigSpec SPEC = ConfigSpec.builder()
            .optional("region", ConfigType.STRING,
                    "AWS region, e.g. us-east-1 (default: AWS_REGION or AWS_DEFAULT_REGION; required if neither)")
            .optional("base-url", ConfigType.STRING,
                    "Endpoint base URL (default https://bedrock-runtime.<region>.amazonaws.com), e.g. a VPC endpoint")
            .optional("control-base-url", ConfigType.STRING,
                    "Control-plane base URL for ListFoundationModels (default https://bedrock.<region>.amazonaws.com)")
            .optional("access-key-id", ConfigType.SECRET,
                    "AWS access key id used when the chosen key has none (default: the AWS default credential chain)")
            .optional("secret-access-key", ConfigType.SECRET, "AWS secret access key belonging to access-key-id")
            .optional("session-token", ConfigType.SECRET, "AWS session token for temporary credentials")
            .optional("timeout", ConfigType.DURATION, BedrockProvider.DEFAULT_TIMEOUT,
                    "How long to wait for response headers, and between reads of a streamed body")
            .optional("models", ConfigType.STRING_LIST,
                    "Model ids listed by GET /v1/models before those ListFoundationModels gives, and alone if it fails")
            .build();

    private static final ConfigSpec KEY_SPEC = ConfigSpec.builder()
            .optional(AwsAuth.ACCESS_KEY_ID, ConfigType.SECRET, "AWS access key id")
            .optional(AwsAuth.SECRET_ACCESS_KEY, ConfigType.SECRET, "AWS secret access key")
            .optional(AwsAuth.SESSION_TOKEN, ConfigType.SECRET, "AWS session token (temporary credentials)")
            .build();

    /** Creates the factory; called by {@link java.util.ServiceLoader}. */
    public BedrockProviderFactory() {
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Amazon Bedrock Converse API (chat, streaming, tools, vision, JSON schema, reasoning, prompt caching, "
                + "Titan and Cohere embeddings), SigV4-signed";
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
        return BedrockProvider.create(config, context);
    }
}
