package io.heimdall.api.plugin;

import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One config key a plugin accepts. Built with {@link ConfigSpec.Builder}; the constructor checks that the default is a
 * valid value of the type (and of the allowed values and range), so a bad default fails when the spec is built, not
 * when a user's config is loaded.
 *
 * @param key           the key, lower-case-with-dashes
 * @param type          the value type
 * @param defaultValue  the default as config text, if any ({@code 30s}, {@code true}, {@code [a, b]})
 * @param required      whether the key must be present
 * @param description   one line for the configuration reference
 * @param spec          the nested spec of an {@link ConfigType#OBJECT}, {@link ConfigType#OBJECT_LIST} item or
 *                      {@link ConfigType#OBJECT_MAP} value; empty for free-form objects and every other type
 * @param allowedValues the values a {@link ConfigType#STRING} (or each item of a {@link ConfigType#STRING_LIST}) may
 *                      take; empty for any
 * @param min           the smallest value of an {@link ConfigType#INTEGER} or {@link ConfigType#NUMBER}, if bounded
 * @param max           the largest value of an {@link ConfigType#INTEGER} or {@link ConfigType#NUMBER}, if bounded
 */
public record ConfigOption(String key, ConfigType type, Optional<String> defaultValue, boolean required,
                           String description, Optional<ConfigSpec> spec, List<String> allowedValues,
                           Optional<Double> min, Optional<Double> max) {
    private static final Set<ConfigType> NESTING = EnumSet.of(ConfigType.OBJECT, ConfigType.OBJECT_LIST,
            ConfigType.OBJECT_MAP);

    /** Validates the fields, including the default against the type, allowed values and range. */
    public ConfigOption {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(type, "type");
        defaultValue = defaultValue == null ? Optional.empty() : defaultValue;
        Objects.requireNonNull(description, "description");
        spec = spec == null ? Optional.empty() : spec;
        allowedValues = allowedValues == null ? List.of() : List.copyOf(allowedValues);
        min = min == null ? Optional.empty() : min;
        max = max == null ? Optional.empty() : max;
        if (!key.matches("[a-z0-9]+(-[a-z0-9]+)*")) {
            throw new IllegalArgumentException("config keys are lower-case-with-dashes: " + key);
        }
        if (required && defaultValue.isPresent()) {
            throw new IllegalArgumentException("config key '" + key + "': a required key cannot have a default");
        }
        if (spec.isPresent() && !NESTING.contains(type)) {
            throw new IllegalArgumentException("config key '" + key + "': only object, object-list and object-map "
                    + "keys have a nested spec");
        }
        if (!allowedValues.isEmpty() && type != ConfigType.STRING && type != ConfigType.STRING_LIST) {
            throw new IllegalArgumentException("config key '" + key + "': allowed values apply to string and "
                    + "string-list keys only");
        }
        if ((min.isPresent() || max.isPresent()) && type != ConfigType.INTEGER && type != ConfigType.NUMBER) {
            throw new IllegalArgumentException("config key '" + key + "': a minimum or maximum applies to integer "
                    + "and number keys only");
        }
        if (min.isPresent() && max.isPresent() && min.get() > max.get()) {
            throw new IllegalArgumentException("config key '" + key + "': minimum " + min.get() + " is above maximum "
                    + max.get());
        }
        if (defaultValue.isPresent()) {
            String text = defaultValue.get();
            Optional<String> fault = ConfigValues.defaultFault(new Checked(type, allowedValues, min, max), text);
            if (fault.isPresent()) {
                throw new IllegalArgumentException("config key '" + key + "': default '" + text + "' " + fault.get());
            }
        }
    }

    /** An option without nested spec, allowed values or range. */
    public ConfigOption(String key, ConfigType type, Optional<String> defaultValue, boolean required,
                        String description) {
        this(key, type, defaultValue, required, description, Optional.empty(), List.of(), Optional.empty(),
                Optional.empty());
    }

    /** The default of a {@link ConfigType#STRING_LIST} as a list; empty if there is none or this is another type. */
    public List<String> defaultStrings() {
        return type == ConfigType.STRING_LIST
                ? defaultValue.flatMap(ConfigValues::list).orElse(List.of()) : List.of();
    }

    /** This option with other allowed values (checked again). */
    ConfigOption withAllowedValues(List<String> values) {
        return new ConfigOption(key, type, defaultValue, required, description, spec, values, min, max);
    }

    /** This option with another range (checked again). */
    ConfigOption withRange(Optional<Double> newMin, Optional<Double> newMax) {
        return new ConfigOption(key, type, defaultValue, required, description, spec, allowedValues, newMin, newMax);
    }

    /** The parts of an option a default is checked against. */
    record Checked(ConfigType type, List<String> allowedValues, Optional<Double> min, Optional<Double> max) {
    }
}
