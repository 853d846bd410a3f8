package io.heimdall.api.route;

import io.heimdall.api.plugin.PluginFactory;

/** Creates a router. Found with {@link java.util.ServiceLoader}; selected with {@code router: { id: ... }}. */
public interface RouterFactory extends PluginFactory<Router> {
}
