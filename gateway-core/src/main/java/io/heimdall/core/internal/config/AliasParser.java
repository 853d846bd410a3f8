package io.heimdall.core.internal.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads {@code models:}: each alias's targets (one load-balanced group unless priorities are written) and its ordered
 * fallbacks, checked against the configured providers and the other aliases, without cycles. A target's model may
 * use {@code ${env:NAME}}; messages then show the reference as written, never what it resolved to.
 */
final class AliasParser {
    private static final List<String> ALIAS = List.of("targets", "fallbacks");
    private static final List<String> TARGET = List.of("model", "weight", "priority");

    private AliasParser() {
    }

    /** The aliases of the raw {@code models} object. */
    static Map<String, GatewayConfig.Alias> parse(Map<String, Object> m,
                                                  Map<String, GatewayConfig.ProviderEntry> providers,
                                                  SecretResolver secrets, Problems problems) {
        Map<String, GatewayConfig.Alias> out = new LinkedHashMap<>();
        Map<String, List<Integer>> positions = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : m.entrySet()) {
            String path = "models." + e.getKey();
            if (!(e.getValue() instanceof Map<?, ?>)) {
                problems.add(path, "expected an object with 'targets', got " + ConfigView.describe(e.getValue()));
                continue;
            }
            Fields alias = Fields.of(e.getValue(), path, ALIAS, problems);
            if (!(alias.raw("targets") instanceof List<?> list) || list.isEmpty()) {
                problems.add(path + ".targets", "expected a non-empty list of {model: <provider>/<model>}");
                continue;
            }
            List<GatewayConfig.AliasTarget> targets = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                target(path + ".targets[" + i + "]", list.get(i), providers, secrets, problems)
                        .ifPresent(targets::add);
            }
            List<Integer> written = new ArrayList<>();
            List<String> fallbacks = fallbacks(e.getKey(), alias, m, providers, written, problems);
            positions.put(e.getKey(), written);
            out.put(e.getKey(), new GatewayConfig.Alias(e.getKey(), targets, fallbacks));
        }
        cycles(out, positions, problems);
        return out;
    }

    private static Optional<GatewayConfig.AliasTarget> target(String tp, Object t,
                                                              Map<String, GatewayConfig.ProviderEntry> providers,
                                                              SecretResolver secrets, Problems problems) {
        if (!(t instanceof String) && !(t instanceof Map<?, ?>)) {
            problems.add(tp, "expected {model: <provider>/<model>}, got " + ConfigView.describe(t));
            return Optional.empty();
        }
        Fields target = t instanceof String s ? Fields.unchecked(Map.of("model", s), tp, problems)
                : Fields.of(t, tp, TARGET, problems);
        Object raw = target.raw("model");
        if (raw == null) {
            target.problem("model", "is required, as <provider>/<model>");
            return Optional.empty();
        }
        if (!(raw instanceof String written)) {
            target.problem("model", "expected a string, got " + ConfigView.describe(raw));
            return Optional.empty();
        }
        String model = written;
        boolean reference = SecretResolver.hasReference(written);
        if (reference) {
            StringBuilder missing = new StringBuilder();
            Optional<String> resolved = secrets.resolve(written, missing);
            if (resolved.isEmpty()) {
                target.problem("model", "environment variable " + missing + " is not set");
                return Optional.empty();
            }
            model = resolved.get();
        }
        String shown = reference ? "the value of '" + written + "'" : "'" + written + "'";
        int slash = model.indexOf('/');
        if (slash <= 0 || slash == model.length() - 1) {
            target.problem("model", "must be <provider>/<model>, got " + shown);
            return Optional.empty();
        }
        String provider = model.substring(0, slash);
        if (!providers.containsKey(provider)) {
            String hint = reference ? "" : Suggest.closest(provider, providers.keySet())
                    .map(p -> "did you mean '" + p + "'? ").orElse("");
            target.problem("model", (reference ? "unknown provider in " + shown : "unknown provider '" + provider
                    + "'") + " (" + hint + "configured: " + String.join(", ", providers.keySet()) + ")");
            return Optional.empty();
        }
        double weight = target.number("weight", 1, 0, false, Double.MAX_VALUE);
        long priority = target.integer("priority", 0, Integer.MIN_VALUE);
        return Optional.of(new GatewayConfig.AliasTarget(provider, model.substring(slash + 1), weight,
                (int) priority));
    }

    private static List<String> fallbacks(String name, Fields alias, Map<String, Object> aliases,
                                          Map<String, GatewayConfig.ProviderEntry> providers, List<Integer> positions,
                                          Problems problems) {
        Object raw = alias.raw("fallbacks");
        if (raw == null) {
            return List.of();
        }
        if (!(raw instanceof List<?> list)) {
            alias.problem("fallbacks", "expected a list of <provider>/<model> or alias names, got "
                    + ConfigView.describe(raw));
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String fp = alias.path("fallbacks") + "[" + i + "]";
            if (!(list.get(i) instanceof String f) || f.isBlank()) {
                problems.add(fp, "expected <provider>/<model> or an alias name, got "
                        + ConfigView.describe(list.get(i)));
                continue;
            }
            int first = out.indexOf(f);
            if (f.equals(name)) {
                problems.add(fp, "an alias cannot fall back to itself");
            } else if (first >= 0) {
                problems.add(fp, "'" + f + "' is listed twice (also fallbacks[" + positions.get(first) + "])");
            } else if (aliases.containsKey(f)) {
                out.add(f);
                positions.add(i);
            } else if (f.indexOf('/') > 0 && f.indexOf('/') < f.length() - 1) {
                String provider = f.substring(0, f.indexOf('/'));
                if (providers.containsKey(provider)) {
                    out.add(f);
                    positions.add(i);
                } else {
                    problems.add(fp, "unknown provider '" + provider + "' and no alias named '" + f + "' ("
                            + Suggest.closest(provider, providers.keySet()).map(p -> "did you mean '" + p + "'? ")
                            .orElse("") + "configured providers: " + String.join(", ", providers.keySet()) + ")");
                }
            } else {
                problems.add(fp, "no alias named '" + f + "' (" + Suggest.closest(f, aliases.keySet())
                        .map(a -> "did you mean '" + a + "'? ").orElse("") + "a fallback is an alias or "
                        + "<provider>/<model>; aliases: " + String.join(", ", aliases.keySet()) + ")");
            }
        }
        return List.copyOf(out);
    }

    /** Reports each fallback that leads back to its own alias, with the cycle, at the index it was written at. */
    private static void cycles(Map<String, GatewayConfig.Alias> aliases, Map<String, List<Integer>> positions,
                               Problems problems) {
        for (GatewayConfig.Alias a : aliases.values()) {
            for (int i = 0; i < a.fallbacks().size(); i++) {
                String next = a.fallbacks().get(i);
                if (!aliases.containsKey(next)) {
                    continue;
                }
                List<String> trail = new ArrayList<>(List.of(a.name()));
                if (reaches(next, a.name(), aliases, trail, new ArrayList<>())) {
                    problems.add("models." + a.name() + ".fallbacks[" + positions.get(a.name()).get(i) + "]",
                            "fallbacks form a cycle: " + String.join(" -> ", trail));
                }
            }
        }
    }

    private static boolean reaches(String from, String goal, Map<String, GatewayConfig.Alias> aliases,
                                   List<String> trail, List<String> seen) {
        trail.add(from);
        if (from.equals(goal)) {
            return true;
        }
        if (!seen.contains(from) && aliases.containsKey(from)) {
            seen.add(from);
            for (String f : aliases.get(from).fallbacks()) {
                if (reaches(f, goal, aliases, trail, seen)) {
                    return true;
                }
            }
        }
        trail.removeLast();
        return false;
    }
}
