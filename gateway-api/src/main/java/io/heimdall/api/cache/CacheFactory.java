package io.heimdall.api.cache;

import io.heimdall.api.plugin.PluginFactory;

/** Creates a response cache. Found with {@link java.util.ServiceLoader}; the first configured cache is used. */
public interface CacheFactory extends PluginFactory<ResponseCache> {
}
