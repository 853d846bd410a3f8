package io.heimdall.provider.localembeddings;

import io.heimdall.api.plugin.ConfigSpec;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.provider.Provider;
import io.heimdall.api.provider.ProviderFactory;

import java.util.List;

/** Provider type {@code local-embeddings}: builds a {@link LocalEmbeddingsProvider} per config entry. */
public final class LocalEmbeddingsProviderFactory implements ProviderFactory {
    /** The provider type. */
    public static final String TYPE = "local-embeddings";
    /** The model name clients use by default: {@code <provider>/all-minilm-l6-v2}. */
    public static final String DEFAULT_MODEL = "all-minilm-l6-v2";

    /** The factory, found through {@code provides} in module-info. */
    public LocalEmbeddingsProviderFactory() {
    }

    @Override
    public String id() {
        return TYPE;
    }

    @Override
    public String description() {
        return "Sentence embeddings in process (quantized all-MiniLM-L6-v2, 384 dimensions, ONNX Runtime, offline)";
    }

    @Override
    public ConfigSpec configSpec() {
        return ConfigSpec.builder()
                .optional("models", List.of(DEFAULT_MODEL),
                        "Model names this provider answers to (all are the same bundled model)")
                .build();
    }

    @Override
    public Provider create(PluginConfig config, PluginContext context) {
        List<String> models = config.strings("models");
        if (models.isEmpty()) {
            throw new IllegalArgumentException("models: at least one model name is needed");
        }
        return new LocalEmbeddingsProvider(models);
    }
}
