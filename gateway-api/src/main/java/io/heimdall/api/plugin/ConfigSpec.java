package io.heimdall.api.plugin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The config keys a plugin accepts. The core rejects unknown keys and wrong types with the exact path, applies
 * defaults, masks secrets and generates the configuration reference from it. Specs nest: an object key, a list of
 * objects or a map of named objects may carry a spec of its own, checked the same way at its own path
 * ({@code plugins[0].config.servers.fs.command}).
 *
 * <pre>{@code
 * ConfigSpec server = ConfigSpec.builder()
 *         .optional("command", ConfigType.STRING_LIST, "program and arguments of a stdio server")
 *         .stringMap("env", "environment variables of the process")
 *         .optional("url", ConfigType.STRING, "URL of a Streamable HTTP server")
 *         .stringMap("headers", "HTTP headers sent to the server")
 *         .build();
 * ConfigSpec spec = ConfigSpec.builder()
 *         .mapOf("servers", server, "MCP servers by name")
 *         .optional("max-turns", 8L, "tool-calling turns per request").range(1, 100)
 *         .optional("mode", "tools", "what the plugin does").oneOf("tools", "agent")
 *         .build();
 * }</pre>
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

    /**
     * Builds a {@link ConfigSpec}. Each method adds one key; {@link #oneOf}, {@link #min}, {@link #max} and
     * {@link #range} restrict the key added last. Every default is checked against its type when it is added: a
     * wrong one throws {@link IllegalArgumentException}.
     */
    public static final class Builder {
        private final List<ConfigOption> options = new ArrayList<>();

        private Builder() {
        }

        private Builder add(ConfigOption option) {
            options.add(option);
            return this;
        }

        /**
         * An optional key with a default written as config text ({@code "30s"}, {@code "true"}, {@code "[a, b]"}),
         * checked against the type. {@code null} is still accepted for "no default"; prefer
         * {@link #optional(String, ConfigType, String)}.
         */
        public Builder optional(String key, ConfigType type, String defaultValue, String description) {
            return add(new ConfigOption(key, type, Optional.ofNullable(defaultValue), false, description));
        }

        /** An optional key without a default: typed getters return empty when it is absent. */
        public Builder optional(String key, ConfigType type, String description) {
            return add(new ConfigOption(key, type, Optional.empty(), false, description));
        }

        /** An optional {@link ConfigType#STRING} key with a default. */
        public Builder optional(String key, String defaultValue, String description) {
            Objects.requireNonNull(defaultValue, "defaultValue (use optional(key, type, description) for none)");
            return add(new ConfigOption(key, ConfigType.STRING, Optional.of(defaultValue), false, description));
        }

        /** An optional {@link ConfigType#BOOLEAN} key with a default. */
        public Builder optional(String key, boolean defaultValue, String description) {
            return add(new ConfigOption(key, ConfigType.BOOLEAN, Optional.of(Boolean.toString(defaultValue)), false,
                    description));
        }

        /** An optional {@link ConfigType#INTEGER} key with a default. */
        public Builder optional(String key, long defaultValue, String description) {
            return add(new ConfigOption(key, ConfigType.INTEGER, Optional.of(Long.toString(defaultValue)), false,
                    description));
        }

        /** An optional {@link ConfigType#NUMBER} key with a default. */
        public Builder optional(String key, double defaultValue, String description) {
            if (!Double.isFinite(defaultValue)) {
                throw new IllegalArgumentException("config key '" + key + "': default must be a finite number");
            }
            return add(new ConfigOption(key, ConfigType.NUMBER, Optional.of(ConfigValues.number(defaultValue)), false,
                    description));
        }

        /** An optional {@link ConfigType#DURATION} key with a non-negative default. */
        public Builder optional(String key, Duration defaultValue, String description) {
            Objects.requireNonNull(defaultValue, "defaultValue (use optional(key, type, description) for none)");
            if (defaultValue.isNegative()) {
                throw new IllegalArgumentException("config key '" + key + "': default duration is negative");
            }
            return add(new ConfigOption(key, ConfigType.DURATION, Optional.of(ConfigValues.format(defaultValue)),
                    false, description));
        }

        /** An optional {@link ConfigType#STRING_LIST} key with a default (no blank items, commas or brackets). */
        public Builder optional(String key, List<String> defaultValue, String description) {
            Objects.requireNonNull(defaultValue, "defaultValue (use optional(key, type, description) for none)");
            return add(new ConfigOption(key, ConfigType.STRING_LIST, Optional.of(ConfigValues.listText(defaultValue)),
                    false, description));
        }

        /** A key that must be present. */
        public Builder required(String key, ConfigType type, String description) {
            return add(new ConfigOption(key, type, Optional.empty(), true, description));
        }

        /** An optional object checked against a nested spec; read with {@link PluginConfig#child(String)}. */
        public Builder object(String key, ConfigSpec nested, String description) {
            return nesting(key, ConfigType.OBJECT, nested, description);
        }

        /**
         * An optional map from names the user chooses to objects, each checked against {@code valueSpec}; read with
         * {@link PluginConfig#childMap(String)}. Problems name the entry: {@code servers.fs.command}.
         */
        public Builder mapOf(String key, ConfigSpec valueSpec, String description) {
            return nesting(key, ConfigType.OBJECT_MAP, valueSpec, description);
        }

        /**
         * An optional list of objects, each checked against {@code itemSpec}; read with
         * {@link PluginConfig#children(String)}. Problems name the item: {@code rules[2].pattern}.
         */
        public Builder listOf(String key, ConfigSpec itemSpec, String description) {
            return nesting(key, ConfigType.OBJECT_LIST, itemSpec, description);
        }

        /** An optional map from any names to strings (environment, headers); read with {@link PluginConfig#stringMap}. */
        public Builder stringMap(String key, String description) {
            return add(new ConfigOption(key, ConfigType.STRING_MAP, Optional.empty(), false, description));
        }

        private Builder nesting(String key, ConfigType type, ConfigSpec nested, String description) {
            Objects.requireNonNull(nested, "nested spec");
            return add(new ConfigOption(key, type, Optional.empty(), false, description, Optional.of(nested),
                    List.of(), Optional.empty(), Optional.empty()));
        }

        /** Restricts the last key (a string or string list) to these values. */
        public Builder oneOf(String... values) {
            if (values.length == 0) {
                throw new IllegalArgumentException("oneOf needs at least one value");
            }
            return replaceLast(last().withAllowedValues(List.of(values)));
        }

        /** Sets the smallest value of the last key (an integer or number). */
        public Builder min(double value) {
            return replaceLast(last().withRange(Optional.of(value), last().max()));
        }

        /** Sets the largest value of the last key (an integer or number). */
        public Builder max(double value) {
            return replaceLast(last().withRange(last().min(), Optional.of(value)));
        }

        /** Sets the smallest and largest value of the last key (an integer or number). */
        public Builder range(double min, double max) {
            return replaceLast(last().withRange(Optional.of(min), Optional.of(max)));
        }

        private ConfigOption last() {
            if (options.isEmpty()) {
                throw new IllegalStateException("add a key before restricting it");
            }
            return options.getLast();
        }

        private Builder replaceLast(ConfigOption option) {
            options.set(options.size() - 1, option);
            return this;
        }

        /** Builds the spec. */
        public ConfigSpec build() {
            return new ConfigSpec(options);
        }
    }
}
