package io.heimdall.core.internal.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads {@code providers.<name>.keys}: each entry a string (the value) or an object with {@code name},
 * {@code value}, {@code weight}, {@code models} and any provider-specific credential fields, kept as written.
 * Messages never show a value of a key entry: any of its fields may be a secret.
 */
final class KeysParser {
    private static final List<String> KNOWN = List.of("name", "value", "weight", "models");
    private static final String NAME = "[A-Za-z0-9][A-Za-z0-9._:#-]{0,63}";

    private KeysParser() {
    }

    /** The keys of provider {@code provider} from the raw {@code keys} value at {@code path}. */
    static List<GatewayConfig.KeyEntry> parse(String provider, String path, Object rawKeys, Problems problems) {
        if (rawKeys == null) {
            return List.of();
        }
        if (!(rawKeys instanceof List<?> list)) {
            problems.add(path, "expected a list of {name, value, weight, models}, got " + kind(rawKeys));
            return List.of();
        }
        List<GatewayConfig.KeyEntry> keys = new ArrayList<>();
        Map<String, Integer> names = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            String kp = path + "[" + i + "]";
            Object k = list.get(i);
            Optional<GatewayConfig.KeyEntry> entry = switch (k) {
                case String s -> Optional.of(new GatewayConfig.KeyEntry(provider + "#" + i, s, 1, List.of("*")));
                case Map<?, ?> m -> entry(provider, i, kp, m, problems);
                case null, default -> {
                    problems.add(kp, "expected a string or an object such as {name, value, weight, models}, got "
                            + kind(k));
                    yield Optional.empty();
                }
            };
            if (entry.isEmpty()) {
                continue;
            }
            String name = entry.get().id();
            Integer first = names.putIfAbsent(name, i);
            if (first != null) {
                problems.add(k instanceof Map<?, ?> m && m.get("name") != null ? kp + ".name" : kp,
                        "duplicate key name '" + name + "' (also " + path + "[" + first + "]); names are unique per "
                                + "provider");
                continue;
            }
            keys.add(entry.get());
        }
        return List.copyOf(keys);
    }

    private static Optional<GatewayConfig.KeyEntry> entry(String provider, int index, String kp, Map<?, ?> raw,
                                                          Problems problems) {
        boolean ok = true;
        String name = provider + "#" + index;
        Object rawName = raw.get("name");
        if (rawName != null) {
            if (!(rawName instanceof String s) || !s.matches(NAME)) {
                problems.add(kp + ".name", "must be 1 to 64 letters, digits, '.', '_', '-', ':' or '#', starting with "
                        + "a letter or digit; it is shown in logs and metrics, so it is written out, never read from "
                        + "the environment");
                ok = false;
            } else {
                name = s;
            }
        }
        String value = "";
        Object rawValue = raw.get("value");
        if (rawValue != null) {
            if (rawValue instanceof String s) {
                value = s;
            } else {
                problems.add(kp + ".value", "expected a string such as \"${env:NAME}\", got " + kind(rawValue));
                ok = false;
            }
        }
        double weight = 1;
        Object rawWeight = raw.get("weight");
        if (rawWeight != null) {
            if (!(rawWeight instanceof Number n) || !Double.isFinite(n.doubleValue())) {
                problems.add(kp + ".weight", "expected a number, got " + kind(rawWeight));
                ok = false;
            } else if (n.doubleValue() < 0) {
                problems.add(kp + ".weight", "must not be negative");
                ok = false;
            } else {
                weight = n.doubleValue();
            }
        }
        List<String> models = List.of("*");
        Object rawModels = raw.get("models");
        if (rawModels != null) {
            if (rawModels instanceof List<?> l && !l.isEmpty()
                    && l.stream().allMatch(e -> e instanceof String s && !s.isBlank())) {
                models = l.stream().map(String.class::cast).toList();
            } else {
                problems.add(kp + ".models", "expected a non-empty list of model names or globs such as \"*\", "
                        + "\"gpt-4o*\" or \"*-mini\"");
                ok = false;
            }
        }
        Map<String, String> fields = new LinkedHashMap<>();
        boolean otherFields = false;
        for (Map.Entry<?, ?> e : raw.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (KNOWN.contains(key)) {
                continue;
            }
            Optional<String> typo = Suggest.closest(key, KNOWN);
            if (typo.isPresent()) {
                problems.add(kp + "." + key, "unknown key (did you mean '" + typo.get() + "'?)");
                ok = false;
            } else if (e.getValue() instanceof String || e.getValue() instanceof Number
                    || e.getValue() instanceof Boolean) {
                fields.put(key, String.valueOf(e.getValue()));
                otherFields = true;
            } else {
                problems.add(kp + "." + key, "expected a string, got " + kind(e.getValue()));
                otherFields = true;
                ok = false;
            }
        }
        if (rawValue == null && !otherFields) {
            problems.add(kp + ".value", "is required (write \"${env:NAME}\" to read it from the environment), unless "
                    + "the key has the credential fields of its provider type instead");
            ok = false;
        }
        return ok ? Optional.of(new GatewayConfig.KeyEntry(name, value, weight, models, fields)) : Optional.empty();
    }

    /** The kind of a value, never the value: every field of a key entry may be a secret. */
    static String kind(Object value) {
        return switch (value) {
            case null -> "null";
            case String s -> "a string";
            case Boolean b -> "a boolean";
            case Number n -> "a number";
            case List<?> l -> "a list";
            case Map<?, ?> m -> "an object";
            default -> value.getClass().getSimpleName();
        };
    }
}
