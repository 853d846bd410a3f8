package io.heimdall.api.plugin;

/**
 * Creates the {@link Plugin} instance for one entry of {@code plugins:} whose {@code id} equals {@link #id()}. Found
 * with {@link java.util.ServiceLoader} in a plugin's module layer
 * ({@code provides io.heimdall.api.plugin.PluginFactory with ...} in its {@code module-info.java}).
 */
public interface PluginFactory extends Factory<Plugin> {
}
