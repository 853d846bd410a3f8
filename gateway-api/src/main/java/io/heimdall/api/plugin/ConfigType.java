package io.heimdall.api.plugin;

/** The type of a config value, checked at load. */
public enum ConfigType {
    /** A string. */
    STRING,
    /** A string that is a secret: may be {@code ${env:NAME}}, is masked in logs and errors. */
    SECRET,
    /** A whole number. */
    INTEGER,
    /** A number. */
    NUMBER,
    /** {@code true} or {@code false}. */
    BOOLEAN,
    /** A duration: {@code 250ms}, {@code 30s}, {@code 5m}, {@code 1h}, or ISO-8601 {@code PT30S}. */
    DURATION,
    /** A list of strings. */
    STRING_LIST,
    /** A free-form object the plugin reads with {@link PluginConfig#child(String)}. */
    OBJECT,
    /** A list of free-form objects, read with {@link PluginConfig#children(String)}. */
    OBJECT_LIST
}
