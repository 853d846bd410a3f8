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
    /** A non-negative duration: {@code 250ms}, {@code 30s}, {@code 5m}, {@code 1h}, or ISO-8601 {@code PT30S}. */
    DURATION,
    /** A list of strings. */
    STRING_LIST,
    /**
     * An object read with {@link PluginConfig#child(String)}: free-form, or checked against a nested spec when
     * declared with {@link ConfigSpec.Builder#object(String, ConfigSpec, String)}.
     */
    OBJECT,
    /**
     * A list of objects read with {@link PluginConfig#children(String)}: free-form, or each checked against a nested
     * spec when declared with {@link ConfigSpec.Builder#listOf(String, ConfigSpec, String)}.
     */
    OBJECT_LIST,
    /**
     * A map from names the user chooses to objects, read with {@link PluginConfig#childMap(String)}; each object is
     * checked against the nested spec given to {@link ConfigSpec.Builder#mapOf(String, ConfigSpec, String)}.
     */
    OBJECT_MAP,
    /**
     * A map from any names to strings (environment variables, HTTP headers), read with
     * {@link PluginConfig#stringMap(String)}; values may contain {@code ${env:NAME}}.
     */
    STRING_MAP
}
