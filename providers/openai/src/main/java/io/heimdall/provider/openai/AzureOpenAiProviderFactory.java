package io.heimdall.provider.openai;

import io.heimdall.api.plugin.ConfigSpec;
import io.heimdall.api.plugin.ConfigType;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.plugin.Secret;
import io.heimdall.api.provider.Provider;
import io.heimdall.api.provider.ProviderFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Provider type {@code azure-openai}: Azure OpenAI (Azure AI Foundry) deployments over the OpenAI wire format, at
 * {@code {base-url}/openai/deployments/{deployment}/chat/completions?api-version=...} (and {@code /embeddings}).
 * Auth is the {@code api-key} header with a key from {@code keys}, or, for an entry without keys, a Microsoft Entra ID bearer
 * token obtained with the client-credentials grant from {@code entra} and cached until shortly before it expires.
 *
 * <pre>{@code
 * providers:
 *   azure:
 *     type: azure-openai
 *     base-url: https://my-resource.openai.azure.com
 *     api-version: 2024-10-21
 *     keys: [ "${env:AZURE_OPENAI_API_KEY}" ]
 *     deployments: { gpt-4o: prod-gpt4o, text-embedding-3-small: embed-small }
 *   azure-entra:
 *     type: azure-openai
 *     base-url: https://my-resource.openai.azure.com
 *     entra: { tenant-id: contoso.onmicrosoft.com, client-id: 0000-..., client-secret: "${env:AZURE_CLIENT_SECRET}" }
 * }</pre>
 *
 * <p>Config keys: {@code base-url} (required), {@code api-version}, {@code deployments}, {@code entra},
 * {@code timeout}, {@code headers}.
 */
public final class AzureOpenAiProviderFactory implements ProviderFactory {
    /** The type name config refers to. */
    public static final String ID = "azure-openai";
    /** The default {@code api-version}: the newest generally available data-plane version. */
    public static final String DEFAULT_API_VERSION = "2024-10-21";

    private static final Pattern API_VERSION = Pattern.compile("\\d{4}-\\d{2}-\\d{2}(-preview)?");

    private static final ConfigSpec ENTRA = ConfigSpec.builder()
            .required("tenant-id", ConfigType.STRING, "Directory (tenant) id or domain")
            .required("client-id", ConfigType.STRING, "Application (client) id")
            .required("client-secret", ConfigType.SECRET, "Client secret, e.g. ${env:AZURE_CLIENT_SECRET}")
            .optional("authority", ConfigType.STRING, EntraTokenSource.DEFAULT_AUTHORITY, "Entra ID authority host")
            .optional("scope", ConfigType.STRING, EntraTokenSource.DEFAULT_SCOPE, "Token scope")
            .build();

    private static final ConfigSpec SPEC = ConfigSpec.builder()
            .required("base-url", ConfigType.STRING,
                    "The resource endpoint without path, e.g. https://my-resource.openai.azure.com")
            .optional("api-version", ConfigType.STRING, DEFAULT_API_VERSION, "The api-version query parameter")
            .stringMap("deployments", "Model name -> deployment name; a model not listed is used as the deployment "
                    + "name; when set, GET /v1/models lists these model names")
            .object("entra", ENTRA, "Microsoft Entra ID client credentials, used when the entry has no keys")
            .optional("timeout", ConfigType.DURATION, OpenAiProvider.DEFAULT_TIMEOUT,
                    "How long to wait for response headers, and between reads of a streamed body")
            .optional("headers", ConfigType.OBJECT,
                    "Extra static headers sent with every upstream request, name: value (none by default)")
            .build();

    /** Creates the factory; called by {@link java.util.ServiceLoader}. */
    public AzureOpenAiProviderFactory() {
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Azure OpenAI deployments (api-key or Entra ID; chat, streaming, tools, vision, embeddings)";
    }

    @Override
    public ConfigSpec configSpec() {
        return SPEC;
    }

    @Override
    public Provider create(PluginConfig config, PluginContext context) {
        String apiVersion = config.string("api-version").orElse(DEFAULT_API_VERSION).strip();
        if (!API_VERSION.matcher(apiVersion).matches()) {
            throw new IllegalArgumentException("api-version must look like 2024-10-21 or 2025-04-01-preview");
        }
        Map<String, String> deployments = new LinkedHashMap<>();
        config.stringMap("deployments").forEach((model, deployment) -> {
            AzureFlavor.checkDeployment(deployment).ifPresent(problem -> {
                throw new IllegalArgumentException("deployments." + model + ": " + problem);
            });
            deployments.put(model, deployment);
        });
        Duration timeout = config.duration("timeout").orElse(Duration.ofSeconds(60));
        Optional<EntraTokenSource> entra = config.child("entra").map(e -> {
            String authority = OpenAiProvider.normaliseBaseUrl(e.string("authority")
                    .orElse(EntraTokenSource.DEFAULT_AUTHORITY));
            Secret secret = e.secret("client-secret")
                    .orElseThrow(() -> new IllegalArgumentException("entra.client-secret is required"));
            return new EntraTokenSource(context.http(authority),
                    e.string("tenant-id").orElseThrow(() -> new IllegalArgumentException("entra.tenant-id is required"))
                            .strip(),
                    e.string("client-id").orElseThrow(() -> new IllegalArgumentException("entra.client-id is required"))
                            .strip(),
                    secret, e.string("scope").orElse(EntraTokenSource.DEFAULT_SCOPE), context.clock(), timeout);
        });
        return OpenAiProvider.create(config, context, Optional.empty(), false, true,
                new AzureFlavor(apiVersion, Map.copyOf(deployments), entra));
    }
}
