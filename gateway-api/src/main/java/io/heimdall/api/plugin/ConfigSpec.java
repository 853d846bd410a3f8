package io.heimdall.api.plugin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The config keys a plugin accepts. The core rejects unknown keys and wrong types with the exact path, applies
 * defaults, masks secrets and generates the configuration reference from it.
 *
 * @param options the accepted keys, in documentation order
 */
public record ConfigSpec(List<ConfigOption> options) {
    private static final ConfigSpec EMPTY = new ConfigSpec(List.of());

    /** Copies the options and rejects duplicate keys. */
    public ConfigSpec {
        options = List.copyOf(options);
        Map<String, ConfigOption> seen = new LinkedHashMap<>();
        for (ConfigOption o : options) {
            if (seen.put(o.key(), o) != null) {
                throw new IllegalArgumentException("duplicate config key: " + o.key());
            }
        }
    }

    /** A spec that accepts no keys. */
    public static ConfigSpec empty() {
        return EMPTY;
    }

    /** The option for a key. */
    public Optional<ConfigOption> option(String key) {
        return options.stream().filter(o -> o.key().equals(key)).findFirst();
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link ConfigSpec}. */
    public static final class Builder {
        private final List<ConfigOption> options = new ArrayList<>();

        private Builder() {
        }

        /** An optional key with a default ({@code null} for none). */
        public Builder optional(String key, ConfigType type, String defaultValue, String description) {
            options.add(new ConfigOption(key, type, Optional.ofNullable(defaultValue), false, description));
            return this;
        }

        /** A key that must be present. */
        public Builder required(String key, ConfigType type, String description) {
            options.add(new ConfigOption(key, type, Optional.empty(), true, description));
            return this;
        }

        /** Builds the spec. */
        public ConfigSpec build() {
            return new ConfigSpec(options);
        }
    }
}
