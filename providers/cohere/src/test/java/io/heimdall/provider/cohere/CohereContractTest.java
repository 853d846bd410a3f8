package io.heimdall.provider.cohere;

import io.heimdall.api.provider.ApiKey;
import io.heimdall.api.provider.Provider;
import io.heimdall.core.StandaloneContext;
import io.heimdall.testkit.tck.NativeProviderContract;
import io.heimdall.testkit.tck.NativeUpstream;

import java.util.Map;
import java.util.Optional;

/** Type {@code cohere} against the provider-neutral contract and {@link CohereUpstream}. */
class CohereContractTest extends NativeProviderContract {
    @Override
    protected NativeUpstream startUpstream() {
        return new CohereUpstream();
    }

    @Override
    protected Provider createProvider(String baseUrl, Optional<ApiKey> key) {
        CohereProviderFactory factory = new CohereProviderFactory();
        return factory.create(StandaloneContext.config("providers." + providerName(),
                Map.of("base-url", baseUrl, "timeout", "10s"), factory.configSpec()),
                StandaloneContext.create(providerName()));
    }

    /** A vision model, so that the image test runs too. */
    @Override
    protected String model() {
        return "command-a-vision-07-2025";
    }
}
