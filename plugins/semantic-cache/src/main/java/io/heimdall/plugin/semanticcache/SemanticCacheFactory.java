package io.heimdall.plugin.semanticcache;

import io.heimdall.api.plugin.ConfigSpec;
import io.heimdall.api.plugin.Plugin;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.plugin.PluginFactory;

/** Plugin id {@code semantic-cache}: builds a {@link SemanticCache} per config entry. */
public final class SemanticCacheFactory implements PluginFactory {
    /** The plugin id. */
    public static final String ID = "semantic-cache";

    /** The factory, found through {@code provides} in module-info. */
    public SemanticCacheFactory() {
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Response cache: exact tier plus a semantic tier on Lucene HNSW with a near-miss guard; embeddings "
                + "in process by default";
    }

    @Override
    public ConfigSpec configSpec() {
        return Settings.spec();
    }

    @Override
    public Plugin create(PluginConfig config, PluginContext context) {
        return new SemanticCache(Settings.of(config), context);
    }
}
