package io.heimdall.provider.openai;

import io.heimdall.api.plugin.Secret;
import io.heimdall.api.provider.Provider;
import io.heimdall.core.StandaloneContext;
import io.heimdall.testkit.RecordedRequest;
import io.heimdall.testkit.tck.OpenAiWireProviderContract;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Type {@code azure-openai} (api-key auth, model names used as deployment names) against the shared OpenAI-wire
 * contract, the mock serving Azure's deployment paths.
 */
class AzureOpenAiContractTest extends OpenAiWireProviderContract {
    private static final String VERSION = "2024-10-21";

    @Override
    protected Provider createProvider(String baseUrl, Optional<Secret> key) {
        AzureOpenAiProviderFactory factory = new AzureOpenAiProviderFactory();
        return factory.create(StandaloneContext.config("providers." + providerName(),
                Map.of("base-url", baseUrl.substring(0, baseUrl.length() - "/v1".length()), "api-version", VERSION,
                        "timeout", "20s"), factory.configSpec()),
                StandaloneContext.create(providerName()));
    }

    @Override
    protected String upstreamPath(String openAiPath) {
        return switch (openAiPath) {
            case "/v1/chat/completions" -> "/openai/deployments/" + MODEL + "/chat/completions?api-version=" + VERSION;
            case "/v1/embeddings" -> "/openai/deployments/" + EMBEDDING_MODEL + "/embeddings?api-version=" + VERSION;
            case "/v1/models" -> "/openai/models?api-version=" + VERSION;
            default -> throw new AssertionError(openAiPath);
        };
    }

    @Override
    protected void assertKeySent(RecordedRequest request) {
        assertEquals(Optional.of(key().reveal()), request.header("api-key"), request.toString());
        assertEquals(Optional.empty(), request.header("authorization"), request.toString());
    }
}
