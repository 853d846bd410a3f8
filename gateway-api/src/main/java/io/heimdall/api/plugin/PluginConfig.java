package io.heimdall.api.plugin;

import java.time.Duration;
import java.util.List;
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

    /** A nested object. */
    Optional<PluginConfig> child(String key);

    /** A list of nested objects; empty if absent. */
    List<PluginConfig> children(String key);
}
