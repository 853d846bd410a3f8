package io.heimdall.testkit.tck;

import io.heimdall.api.provider.ApiKey;
import io.heimdall.api.provider.Provider;

import java.util.Optional;

/** The native contract against its reference upstream (the OpenAI wire as a "native" one): the contract is passable. */
class OpenAiShapedNativeContractTest extends NativeProviderContract {
    @Override
    protected NativeUpstream startUpstream() {
        return new OpenAiShapedUpstream();
    }

    @Override
    protected Provider createProvider(String baseUrl, Optional<ApiKey> key) {
        return new JdkOpenAiProvider(baseUrl);
    }
}
