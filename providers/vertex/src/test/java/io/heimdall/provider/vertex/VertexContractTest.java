package io.heimdall.provider.vertex;

import io.heimdall.api.provider.ApiKey;
import io.heimdall.api.provider.Provider;
import io.heimdall.core.StandaloneContext;
import io.heimdall.provider.googlemock.GoogleMock;
import io.heimdall.testkit.tck.NativeProviderContract;
import io.heimdall.testkit.tck.NativeUpstream;

import java.util.Map;
import java.util.Optional;

/**
 * Type {@code vertex} against the native TCK. Vertex AI v1 function calls carry no ids (the mock refuses an {@code id}
 * field as Vertex does), so calls match by name; the key's value is used as the OAuth access token.
 */
class VertexContractTest extends NativeProviderContract {
    @Override
    protected NativeUpstream startUpstream() {
        return GoogleMock.start(GoogleMock.Dialect.VERTEX);
    }

    @Override
    protected Provider createProvider(String baseUrl, Optional<ApiKey> key) {
        VertexProviderFactory factory = new VertexProviderFactory();
        return factory.create(StandaloneContext.config("providers." + providerName(), Map.of("base-url", baseUrl,
                "project", "tck-project", "location", "us-east5"), factory.configSpec()),
                StandaloneContext.create(providerName()));
    }

    @Override
    protected boolean upstreamAssignsToolCallIds() {
        return false;
    }
}
