package io.heimdall.api.plugin;

/**
 * The shape shared by every factory a plugin module provides (a {@link io.heimdall.api.provider.ProviderFactory} or a
 * {@link PluginFactory}): an id that config refers to, the config keys it accepts, and a
 * method that builds the instance for one config entry.
 *
 * @param <T> what the factory creates
 */
public interface Factory<T extends AutoCloseable> {
    /** The id config refers to: a provider's {@code type}, a hook's or cache's {@code id}. Lower-case-with-dashes. */
    String id();

    /** A one-line description for logs and the generated configuration reference. */
    default String description() {
        return id();
    }

    /** The config keys this factory accepts; unknown keys are rejected at load with their exact path. */
    default ConfigSpec configSpec() {
        return ConfigSpec.empty();
    }

    /**
     * Creates an instance for one config entry.
     *
     * @param config  the entry's config, validated against {@link #configSpec()}, defaults applied
     * @param context what the instance may use of the gateway
     * @return the instance, closed when a config reload replaces it
     * @throws IllegalArgumentException for a config it cannot use; the message is shown with the config path
     */
    T create(PluginConfig config, PluginContext context);
}
