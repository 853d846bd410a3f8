package io.heimdall.core.internal.config;

import io.heimdall.api.plugin.ConfigOption;
import io.heimdall.api.plugin.ConfigSpec;
import io.heimdall.api.plugin.ConfigType;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.Secret;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A plugin's config subtree: validated against its {@link ConfigSpec} by {@link #validate}, then read through the
 * {@link PluginConfig} getters with the spec's defaults applied. Values are plain Java (Map, List, String, Number,
 * Boolean) as Jackson reads them from YAML or JSON.
 */
public final class ConfigView implements PluginConfig {
    private final String path;
    private final Map<String, Object> values;
    private final ConfigSpec spec;
    private final SecretResolver secrets;

    /** A view of {@code values} at {@code path}; call {@link #validate} first. */
    public ConfigView(String path, Map<String, Object> values, ConfigSpec spec, SecretResolver secrets) {
        this.path = path;
        this.values = values == null ? Map.of() : values;
        this.spec = spec;
        this.secrets = secrets;
    }

    /**
     * Checks the values against the spec: unknown keys (with the accepted ones listed), missing required keys, wrong
     * types, unresolvable {@code ${env:...}} references. Records one problem per fault.
     */
    public static void validate(String path, Map<String, Object> values, ConfigSpec spec, SecretResolver secrets,
                                Problems problems) {
        Map<String, Object> v = values == null ? Map.of() : values;
        for (String key : v.keySet()) {
            if (spec.option(key).isEmpty()) {
                String accepted = spec.options().stream().map(ConfigOption::key).collect(Collectors.joining(", "));
                problems.add(join(path, key), "unknown key" + (accepted.isEmpty() ? " (this plugin takes no config)"
                        : " (accepted: " + accepted + ")"));
            }
        }
        for (ConfigOption o : spec.options()) {
            Object value = v.get(o.key());
            String p = join(path, o.key());
            if (value == null) {
                if (o.required()) {
                    problems.add(p, "is required: " + o.description());
                }
                continue;
            }
            String fault = typeFault(o.type(), value);
            if (fault != null) {
                problems.add(p, fault);
            } else if (value instanceof String s && SecretResolver.hasReference(s)) {
                StringBuilder missing = new StringBuilder();
                if (secrets.resolve(s, missing).isEmpty()) {
                    problems.add(p, "environment variable " + missing + " is not set");
                }
            }
        }
    }

    private static String typeFault(ConfigType type, Object value) {
        return switch (type) {
            case STRING, SECRET -> value instanceof String || value instanceof Number || value instanceof Boolean
                    ? null : "expected a string, got " + describe(value);
            case INTEGER -> value instanceof Integer || value instanceof Long
                    ? null : "expected a whole number, got " + describe(value);
            case NUMBER -> value instanceof Number ? null : "expected a number, got " + describe(value);
            case BOOLEAN -> value instanceof Boolean ? null : "expected true or false, got " + describe(value);
            case DURATION -> value instanceof String s && Durations.parse(s).isPresent()
                    ? null : "expected a duration such as 250ms, 30s, 5m or 1h, got " + describe(value);
            case STRING_LIST -> value instanceof List<?> l && l.stream().allMatch(e -> e instanceof String)
                    ? null : "expected a list of strings, got " + describe(value);
            case OBJECT -> value instanceof Map ? null : "expected an object, got " + describe(value);
            case OBJECT_LIST -> value instanceof List<?> l && l.stream().allMatch(e -> e instanceof Map)
                    ? null : "expected a list of objects, got " + describe(value);
        };
    }

    /** A short description of a config value for error messages; never the value of a long string. */
    public static String describe(Object value) {
        return switch (value) {
            case null -> "null";
            case String s -> "the string '" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "'";
            case Boolean b -> b.toString();
            case Number n -> "the number " + n;
            case List<?> l -> "a list";
            case Map<?, ?> m -> "an object";
            default -> value.getClass().getSimpleName();
        };
    }

    static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private Optional<Object> raw(String key) {
        Object v = values.get(key);
        if (v != null) {
            return Optional.of(v);
        }
        return spec.option(key).flatMap(ConfigOption::defaultValue).map(d -> (Object) d);
    }

    private Optional<String> text(String key) {
        return raw(key).map(v -> {
            String s = String.valueOf(v);
            return SecretResolver.hasReference(s) ? secrets.resolve(s, new StringBuilder()).orElse("") : s;
        });
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public Set<String> keys() {
        Set<String> keys = new LinkedHashSet<>(values.keySet());
        spec.options().stream().filter(o -> o.defaultValue().isPresent()).forEach(o -> keys.add(o.key()));
        return keys;
    }

    @Override
    public Optional<String> string(String key) {
        return text(key);
    }

    @Override
    public Optional<Secret> secret(String key) {
        return text(key).map(Secret::of);
    }

    @Override
    public Optional<Long> integer(String key) {
        return raw(key).map(v -> v instanceof Number n ? n.longValue() : Long.parseLong(v.toString().strip()));
    }

    @Override
    public Optional<Double> number(String key) {
        return raw(key).map(v -> v instanceof Number n ? n.doubleValue() : Double.parseDouble(v.toString().strip()));
    }

    @Override
    public Optional<Boolean> bool(String key) {
        return raw(key).map(v -> v instanceof Boolean b ? b : Boolean.parseBoolean(v.toString().strip()));
    }

    @Override
    public Optional<Duration> duration(String key) {
        return text(key).flatMap(Durations::parse);
    }

    @Override
    public List<String> strings(String key) {
        Object v = values.get(key);
        if (v instanceof List<?> l) {
            List<String> out = new ArrayList<>(l.size());
            for (Object e : l) {
                out.add(String.valueOf(e));
            }
            return List.copyOf(out);
        }
        return List.of();
    }

    @Override
    @SuppressWarnings("unchecked")
    public Optional<PluginConfig> child(String key) {
        Object v = values.get(key);
        if (v instanceof Map<?, ?> m) {
            return Optional.of(new ConfigView(join(path, key), (Map<String, Object>) m, freeForm(m), secrets));
        }
        return Optional.empty();
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<PluginConfig> children(String key) {
        Object v = values.get(key);
        if (!(v instanceof List<?> l)) {
            return List.of();
        }
        List<PluginConfig> out = new ArrayList<>(l.size());
        for (int i = 0; i < l.size(); i++) {
            if (l.get(i) instanceof Map<?, ?> m) {
                out.add(new ConfigView(path + "." + key + "[" + i + "]", (Map<String, Object>) m, freeForm(m),
                        secrets));
            }
        }
        return out;
    }

    /** A spec that accepts every key of a free-form object as a string, so nested getters work. */
    private static ConfigSpec freeForm(Map<?, ?> m) {
        ConfigSpec.Builder b = ConfigSpec.builder();
        for (Object k : m.keySet()) {
            String key = String.valueOf(k);
            if (key.matches("[a-z0-9]+(-[a-z0-9]+)*")) {
                b.optional(key, ConfigType.STRING, null, key);
            }
        }
        return b.build();
    }

    @Override
    public String toString() {
        Map<String, Object> masked = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : values.entrySet()) {
            boolean secret = spec.option(e.getKey()).map(o -> o.type() == ConfigType.SECRET).orElse(false);
            masked.put(e.getKey(), secret ? "****" : e.getValue());
        }
        return path + masked;
    }
}
