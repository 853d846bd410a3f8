package io.heimdall.api.admin;

import io.heimdall.api.plugin.ConfigSpec;

import java.util.Objects;
import java.util.Optional;

/**
 * A loaded provider or plugin type.
 *
 * @param id          the type or plugin id used in the config
 * @param kind        provider ({@code providers.<name>.type}) or plugin ({@code plugins: - id})
 * @param description the factory's description
 * @param origin      where it was loaded from (a plugin folder, or {@code built-in})
 * @param config      the config keys it accepts
 * @param keys        for a provider, the fields each of its keys accepts
 */
public record PluginType(String id, Kind kind, String description, String origin, ConfigSpec config,
                         Optional<ConfigSpec> keys) {
    /** Validates the fields. */
    public PluginType {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(keys, "keys");
    }

    /** What a type is configured as. */
    public enum Kind {
        /** A provider type. */
        PROVIDER,
        /** A plugin. */
        PLUGIN
    }
}
