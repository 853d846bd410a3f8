package io.heimdall.api.plugin;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A read-only view of one plugin's config subtree, validated against its {@link ConfigSpec} with defaults applied.
 * Typed getters return empty when the key is absent and has no default.
 */
public interface PluginConfig {
    /** Where this subtree sits in the config file, for messages: for example {@code providers.openai}. */
    String path();

    /** The keys present (after defaults). */
    Set<String> keys();

    /** A string value. */
    Optional<String> string(String key);

    /** A secret value, resolved from {@code ${env:NAME}} if so written. */
    Optional<Secret> secret(String key);

    /** A whole number. */
    Optional<Long> integer(String key);

    /** A number. */
    Optional<Double> number(String key);

    /** A boolean. */
    Optional<Boolean> bool(String key);

    /** A duration. */
    Optional<Duration> duration(String key);

    /** A list of strings; empty if absent. */
    List<String> strings(String key);

    /** A nested object, with the defaults of its nested spec applied if it has one; empty if absent. */
    Optional<PluginConfig> child(String key);

    /** A list of nested objects; empty if absent. */
    List<PluginConfig> children(String key);

    /**
     * A map of named nested objects ({@link ConfigType#OBJECT_MAP}) in file order; empty if absent. Each value's
     * {@link #path()} ends with its name: {@code plugins[0].config.servers.fs}.
     */
    default Map<String, PluginConfig> childMap(String key) {
        Map<String, PluginConfig> out = new LinkedHashMap<>();
        child(key).ifPresent(map -> {
            for (String name : map.keys()) {
                map.child(name).ifPresent(c -> out.put(name, c));
            }
        });
        return Collections.unmodifiableMap(out);
    }

    /**
     * A map of strings ({@link ConfigType#STRING_MAP}) in file order, {@code ${env:NAME}} resolved; empty if absent.
     */
    default Map<String, String> stringMap(String key) {
        Map<String, String> out = new LinkedHashMap<>();
        child(key).ifPresent(map -> {
            for (String name : map.keys()) {
                map.string(name).ifPresent(v -> out.put(name, v));
            }
        });
        return Collections.unmodifiableMap(out);
    }
}
