package io.heimdall.api.hook;

import io.heimdall.api.plugin.PluginFactory;

/**
 * Creates hooks. Found with {@link java.util.ServiceLoader} in a plugin's module layer. Hooks run in the order of the
 * config's {@code plugins:} list before the request and in reverse order after it.
 */
public interface HookFactory extends PluginFactory<Hook> {
}
