package io.heimdall.api.plugin;

import java.util.Objects;
import java.util.Optional;

/**
 * One config key a plugin accepts.
 *
 * @param key          the key, lower-case-with-dashes
 * @param type         the value type
 * @param defaultValue the default as config text, if any
 * @param required     whether the key must be present
 * @param description  one line for the configuration reference
 */
public record ConfigOption(String key, ConfigType type, Optional<String> defaultValue, boolean required,
                           String description) {
    /** Validates the fields. */
    public ConfigOption {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(type, "type");
        defaultValue = defaultValue == null ? Optional.empty() : defaultValue;
        Objects.requireNonNull(description, "description");
        if (!key.matches("[a-z0-9]+(-[a-z0-9]+)*")) {
            throw new IllegalArgumentException("config keys are lower-case-with-dashes: " + key);
        }
    }
}
