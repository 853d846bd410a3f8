package io.heimdall.provider.gemini;

import io.heimdall.api.provider.ApiKey;
import io.heimdall.api.provider.Provider;
import io.heimdall.core.StandaloneContext;
import io.heimdall.provider.googlemock.GoogleMock;
import io.heimdall.testkit.tck.NativeProviderContract;
import io.heimdall.testkit.tck.NativeUpstream;

import java.util.Map;
import java.util.Optional;

/** Type {@code gemini} against the native TCK, with a Gemini upstream whose function calls carry no ids. */
class GeminiContractTest extends NativeProviderContract {
    @Override
    protected NativeUpstream startUpstream() {
        return GoogleMock.start(GoogleMock.Dialect.GEMINI);
    }

    @Override
    protected Provider createProvider(String baseUrl, Optional<ApiKey> key) {
        GeminiProviderFactory factory = new GeminiProviderFactory();
        return factory.create(StandaloneContext.config("providers." + providerName(), Map.of("base-url", baseUrl),
                factory.configSpec()), StandaloneContext.create(providerName()));
    }

    @Override
    protected boolean upstreamAssignsToolCallIds() {
        return false;
    }
}
