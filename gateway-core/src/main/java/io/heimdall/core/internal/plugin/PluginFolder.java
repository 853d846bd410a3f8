package io.heimdall.core.internal.plugin;

import io.heimdall.api.plugin.Factory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One plugin folder (or loose jar) as loaded into its own module layer: the factories the layer provides, or why it
 * could not be loaded. The layer is reachable only through the factories (and the instances they create), so a folder
 * that nothing refers to any more lets its layer and class loader be collected.
 *
 * @param name        the folder or jar name
 * @param fingerprint what identifies the content it was loaded from; a different one means a new layer
 * @param factories   the factories its modules provide, in discovery order
 * @param failure     why it could not be loaded, if so
 */
public record PluginFolder(String name, String fingerprint, List<Found> factories, Optional<String> failure) {
    /**
     * A factory found in a plugin layer.
     *
     * @param kind    its kind
     * @param factory the factory object
     */
    public record Found(PluginRegistry.Kind kind, Factory<?> factory) {
    }

    static PluginFolder failed(String name, String fingerprint, String reason) {
        return new PluginFolder(name, fingerprint, List.of(), Optional.of(reason));
    }

    /** Adds the factories to {@code registry} and records the folder there as loaded, or failed with its reason. */
    void addTo(PluginRegistry registry) {
        if (failure.isPresent()) {
            registry.fail(name, failure.get());
            return;
        }
        List<String> problems = new ArrayList<>();
        for (Found f : factories) {
            registry.add(f.kind(), f.factory(), "plugin folder '" + name + "'").ifPresent(problems::add);
        }
        if (problems.isEmpty()) {
            registry.loaded(name);
        } else {
            registry.fail(name, String.join("; ", problems));
        }
    }
}
