package io.heimdall.provider.vertex;

import io.heimdall.api.provider.ApiKey;
import io.heimdall.api.provider.Provider;
import io.heimdall.core.StandaloneContext;
import io.heimdall.provider.anthropic.ClaudeVertexMock;
import io.heimdall.testkit.tck.NativeProviderContract;
import io.heimdall.testkit.tck.NativeUpstream;

import java.util.Map;
import java.util.Optional;

/**
 * Type {@code vertex} with a Claude model against the native TCK: the mock speaks the Messages wire on the Vertex
 * paths ({@code :rawPredict}, {@code :streamRawPredict}) and refuses a body with a {@code model} or without
 * {@code anthropic_version: vertex-2023-10-16}; the key's value is the OAuth access token.
 */
class ClaudeVertexContractTest extends NativeProviderContract {
    @Override
    protected NativeUpstream startUpstream() {
        return new ClaudeVertexMock();
    }

    @Override
    protected Provider createProvider(String baseUrl, Optional<ApiKey> key) {
        VertexProviderFactory factory = new VertexProviderFactory();
        return factory.create(StandaloneContext.config("providers." + providerName(), Map.of("base-url", baseUrl,
                "project", "tck-project", "location", "us-east5"), factory.configSpec()),
                StandaloneContext.create(providerName()));
    }

    @Override
    protected String model() {
        return "claude-sonnet-4-5@20250929";
    }
}
