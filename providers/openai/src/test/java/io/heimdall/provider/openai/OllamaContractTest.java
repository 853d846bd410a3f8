package io.heimdall.provider.openai;

import io.heimdall.api.plugin.Secret;
import io.heimdall.api.provider.Provider;
import io.heimdall.core.StandaloneContext;
import io.heimdall.testkit.tck.OpenAiWireProviderContract;

import java.util.Map;
import java.util.Optional;

/** Preset type {@code ollama} (hosted, keyed, with dropped fields) against the shared OpenAI-wire contract. */
class OllamaContractTest extends OpenAiWireProviderContract {
    @Override
    protected Provider createProvider(String baseUrl, Optional<Secret> key) {
        PresetFactories.Ollama factory = new PresetFactories.Ollama();
        return factory.create(StandaloneContext.config("providers." + providerName(),
                Map.of("base-url", baseUrl, "timeout", "20s"), factory.configSpec()),
                StandaloneContext.create(providerName()));
    }
}
