package io.heimdall.provider.anthropic;

import io.heimdall.api.provider.ApiKey;
import io.heimdall.api.provider.Provider;
import io.heimdall.core.StandaloneContext;
import io.heimdall.testkit.tck.NativeProviderContract;
import io.heimdall.testkit.tck.NativeUpstream;

import java.util.Map;
import java.util.Optional;

/** Type {@code anthropic} against the provider-neutral contract, with a mock speaking the Messages API. */
class AnthropicContractTest extends NativeProviderContract {
    @Override
    protected NativeUpstream startUpstream() {
        return new AnthropicUpstream();
    }

    @Override
    protected Provider createProvider(String baseUrl, Optional<ApiKey> key) {
        AnthropicProviderFactory factory = new AnthropicProviderFactory();
        return factory.create(StandaloneContext.config("providers." + providerName(), Map.of("base-url", baseUrl),
                factory.configSpec()), StandaloneContext.create(providerName()));
    }

    @Override
    protected String model() {
        return "claude-sonnet-4-5-20250929";
    }
}
