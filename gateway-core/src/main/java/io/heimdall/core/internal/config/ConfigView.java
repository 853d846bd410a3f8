package io.heimdall.core.internal.config;

import io.heimdall.api.plugin.ConfigOption;
import io.heimdall.api.plugin.ConfigSpec;
import io.heimdall.api.plugin.ConfigType;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.Secret;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A plugin's config subtree: validated against its {@link ConfigSpec} by {@link #validate}, then read through the
 * {@link PluginConfig} getters with the spec's defaults applied. Values are plain Java (Map, List, String, Number,
 * Boolean) as Jackson reads them from YAML or JSON. Nested specs (objects, lists and maps of objects) are validated
 * and read the same way at their own paths. No message ever holds the value of a secret or a resolved
 * {@code ${env:...}} value: references are shown as written.
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
     * Checks the values against the spec, nested specs included: unknown keys (with a suggestion or the accepted
     * ones), missing required keys, wrong types, values outside the allowed ones or the range, unresolvable
     * {@code ${env:...}} references. Records one problem per fault.
     */
    public static void validate(String path, Map<String, Object> values, ConfigSpec spec, SecretResolver secrets,
                                Problems problems) {
        validate(path, values, spec, secrets, problems, true);
    }

    private static void validate(String path, Map<String, Object> values, ConfigSpec spec, SecretResolver secrets,
                                 Problems problems, boolean top) {
        Map<String, Object> v = values == null ? Map.of() : values;
        List<String> accepted = spec.options().stream().map(ConfigOption::key).toList();
        for (String key : v.keySet()) {
            if (spec.option(key).isEmpty()) {
                problems.add(join(path, key), top && accepted.isEmpty() ? "unknown key (this plugin takes no config)"
                        : Suggest.unknownKey(key, accepted));
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
            String fault = typeFault(o.type(), value, secrets);
            if (fault != null) {
                problems.add(p, fault);
                continue;
            }
            checkValue(p, o, value, secrets, problems);
        }
    }

    @SuppressWarnings("unchecked")
    private static void checkValue(String p, ConfigOption o, Object value, SecretResolver secrets,
                                   Problems problems) {
        switch (o.type()) {
            case STRING, SECRET -> {
                if (value instanceof String s && SecretResolver.hasReference(s)) {
                    StringBuilder missing = new StringBuilder();
                    Optional<String> resolved = secrets.resolve(s, missing);
                    if (resolved.isEmpty()) {
                        problems.add(p, "environment variable " + missing + " is not set");
                    } else if (!o.allowedValues().isEmpty() && !o.allowedValues().contains(resolved.get())) {
                        problems.add(p, "must be one of " + String.join(", ", o.allowedValues()) + " (" + s
                                + " has another value)");
                    }
                } else if (!o.allowedValues().isEmpty() && !o.allowedValues().contains(String.valueOf(value))) {
                    problems.add(p, "must be one of " + String.join(", ", o.allowedValues()) + ", got "
                            + describe(value));
                }
            }
            case STRING_LIST -> {
                List<?> l = (List<?>) value;
                for (int i = 0; i < l.size() && !o.allowedValues().isEmpty(); i++) {
                    if (!o.allowedValues().contains(String.valueOf(l.get(i)))) {
                        problems.add(p + "[" + i + "]", "must be one of " + String.join(", ", o.allowedValues())
                                + ", got " + describe(l.get(i)));
                    }
                }
            }
            case INTEGER, NUMBER -> {
                double n = ((Number) value).doubleValue();
                if (o.min().isPresent() && n < o.min().get()) {
                    problems.add(p, "must be at least " + bound(o.min().get()) + ", got " + value);
                } else if (o.max().isPresent() && n > o.max().get()) {
                    problems.add(p, "must be at most " + bound(o.max().get()) + ", got " + value);
                }
            }
            case OBJECT -> o.spec().ifPresent(s -> validate(p, (Map<String, Object>) value, s, secrets, problems,
                    false));
            case OBJECT_LIST -> o.spec().ifPresent(s -> {
                List<?> l = (List<?>) value;
                for (int i = 0; i < l.size(); i++) {
                    validate(p + "[" + i + "]", (Map<String, Object>) l.get(i), s, secrets, problems, false);
                }
            });
            case OBJECT_MAP -> {
                for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                    String ep = p + "." + e.getKey();
                    if (!(e.getValue() instanceof Map<?, ?> m)) {
                        problems.add(ep, "expected an object, got " + describe(e.getValue()));
                    } else {
                        o.spec().ifPresent(s -> validate(ep, (Map<String, Object>) m, s, secrets, problems, false));
                    }
                }
            }
            case STRING_MAP -> {
                for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                    String ep = p + "." + e.getKey();
                    Object ev = e.getValue();
                    if (!(ev instanceof String || ev instanceof Number || ev instanceof Boolean)) {
                        problems.add(ep, "expected a string, got " + describe(ev));
                    } else if (ev instanceof String s && SecretResolver.hasReference(s)) {
                        StringBuilder missing = new StringBuilder();
                        if (secrets.resolve(s, missing).isEmpty()) {
                            problems.add(ep, "environment variable " + missing + " is not set");
                        }
                    }
                }
            }
            case BOOLEAN, DURATION -> {
            }
        }
    }

    private static String typeFault(ConfigType type, Object value, SecretResolver secrets) {
        return switch (type) {
            case STRING, SECRET -> value instanceof String || value instanceof Number || value instanceof Boolean
                    ? null : "expected a string, got " + describe(value);
            case INTEGER -> value instanceof Integer || value instanceof Long
                    ? null : "expected a whole number, got " + describe(value);
            case NUMBER -> value instanceof Number ? null : "expected a number, got " + describe(value);
            case BOOLEAN -> value instanceof Boolean ? null : "expected true or false, got " + describe(value);
            case DURATION -> durationFault(value, secrets);
            case STRING_LIST -> value instanceof List<?> l && l.stream().allMatch(e -> e instanceof String)
                    ? null : "expected a list of strings, got " + describe(value);
            case OBJECT, OBJECT_MAP, STRING_MAP -> value instanceof Map ? null
                    : "expected an object, got " + describe(value);
            case OBJECT_LIST -> value instanceof List<?> l && l.stream().allMatch(e -> e instanceof Map)
                    ? null : "expected a list of objects, got " + describe(value);
        };
    }

    private static String durationFault(Object value, SecretResolver secrets) {
        String expected = "expected a duration such as 250ms, 30s, 5m or 1h, got ";
        if (!(value instanceof String s)) {
            return expected + describe(value);
        }
        String text = s;
        if (SecretResolver.hasReference(s)) {
            StringBuilder missing = new StringBuilder();
            Optional<String> resolved = secrets.resolve(s, missing);
            if (resolved.isEmpty()) {
                return "environment variable " + missing + " is not set";
            }
            text = resolved.get();
        }
        Optional<Duration> d = Durations.parse(text);
        if (d.isEmpty()) {
            return expected + (text.equals(s) ? describe(s) : "the value of " + s);
        }
        return d.get().isNegative() ? "must not be negative" : null;
    }

    private static String bound(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    /**
     * A short description of a config value for error messages; never the value of a long string. Call it only for
     * values of keys that are not secrets, and with the value as written (a reference, never what it resolves to).
     */
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

    private String resolve(String s) {
        return SecretResolver.hasReference(s) ? secrets.resolve(s, new StringBuilder()).orElse("") : s;
    }

    private Optional<String> text(String key) {
        return raw(key).map(v -> resolve(String.valueOf(v)));
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
        return v == null ? spec.option(key).map(ConfigOption::defaultStrings).orElse(List.of()) : List.of();
    }

    /** The nested spec of a key declared with this type, if any. */
    private Optional<ConfigSpec> nestedSpec(String key, ConfigType type) {
        return spec.option(key).filter(o -> o.type() == type).flatMap(ConfigOption::spec);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Optional<PluginConfig> child(String key) {
        Object v = values.get(key);
        if (v instanceof Map<?, ?> m) {
            return Optional.of(new ConfigView(join(path, key), (Map<String, Object>) m,
                    nestedSpec(key, ConfigType.OBJECT).orElseGet(() -> freeForm(m)), secrets));
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
        Optional<ConfigSpec> itemSpec = nestedSpec(key, ConfigType.OBJECT_LIST);
        List<PluginConfig> out = new ArrayList<>(l.size());
        for (int i = 0; i < l.size(); i++) {
            if (l.get(i) instanceof Map<?, ?> m) {
                out.add(new ConfigView(join(path, key) + "[" + i + "]", (Map<String, Object>) m,
                        itemSpec.orElseGet(() -> freeForm(m)), secrets));
            }
        }
        return List.copyOf(out);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Map<String, PluginConfig> childMap(String key) {
        if (!(values.get(key) instanceof Map<?, ?> map)) {
            return Map.of();
        }
        Optional<ConfigSpec> valueSpec = nestedSpec(key, ConfigType.OBJECT_MAP);
        Map<String, PluginConfig> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (e.getValue() instanceof Map<?, ?> m) {
                String name = String.valueOf(e.getKey());
                out.put(name, new ConfigView(join(path, key) + "." + name, (Map<String, Object>) m,
                        valueSpec.orElseGet(() -> freeForm(m)), secrets));
            }
        }
        return Collections.unmodifiableMap(out);
    }

    @Override
    public Map<String, String> stringMap(String key) {
        if (!(values.get(key) instanceof Map<?, ?> map)) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            Object v = e.getValue();
            if (v instanceof String || v instanceof Number || v instanceof Boolean) {
                out.put(String.valueOf(e.getKey()), resolve(String.valueOf(v)));
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** A spec that accepts every key of a free-form object as a string, so nested getters work. */
    private static ConfigSpec freeForm(Map<?, ?> m) {
        ConfigSpec.Builder b = ConfigSpec.builder();
        for (Object k : m.keySet()) {
            String key = String.valueOf(k);
            if (key.matches("[a-z0-9]+(-[a-z0-9]+)*")) {
                b.optional(key, ConfigType.STRING, key);
            }
        }
        return b.build();
    }

    @Override
    public String toString() {
        return path + masked(values, spec);
    }

    /** The values with secrets and string maps masked, nested specs followed. */
    private static Map<String, Object> masked(Map<?, ?> values, ConfigSpec spec) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : values.entrySet()) {
            String key = String.valueOf(e.getKey());
            Optional<ConfigOption> o = spec.option(key);
            Object v = e.getValue();
            ConfigType type = o.map(ConfigOption::type).orElse(ConfigType.STRING);
            Optional<ConfigSpec> nested = o.flatMap(ConfigOption::spec);
            out.put(key, switch (type) {
                case SECRET -> "****";
                case STRING_MAP -> v instanceof Map<?, ?> m ? maskAll(m) : "****";
                case OBJECT -> v instanceof Map<?, ?> m && nested.isPresent() ? masked(m, nested.get()) : v;
                case OBJECT_LIST -> v instanceof List<?> l && nested.isPresent()
                        ? l.stream().map(i -> i instanceof Map<?, ?> m ? masked(m, nested.get()) : i).toList() : v;
                case OBJECT_MAP -> {
                    if (!(v instanceof Map<?, ?> m) || nested.isEmpty()) {
                        yield v;
                    }
                    Map<String, Object> entries = new LinkedHashMap<>();
                    m.forEach((name, item) -> entries.put(String.valueOf(name),
                            item instanceof Map<?, ?> im ? masked(im, nested.get()) : item));
                    yield entries;
                }
                default -> v;
            });
        }
        return out;
    }

    private static Map<String, Object> maskAll(Map<?, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.keySet().forEach(k -> out.put(String.valueOf(k), "****"));
        return out;
    }
}
