package io.heimdall.core.internal.engine;

import io.heimdall.api.endpoint.Endpoint;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The HTTP routes plugins serve in one generation: exact paths looked up in a map, patterns ({@code {name}} segments,
 * a trailing {@code /*}) tried most specific first.
 */
public final class PluginRoutes {
    /** Paths the core serves itself; a plugin cannot claim them. */
    static final Pattern RESERVED = Pattern.compile("(/v1)?/(chat/completions|embeddings|models(/.*)?)|/health|/ready");

    /**
     * A route with the plugin that serves it.
     *
     * @param pluginId the plugin id
     * @param endpoint the route
     */
    public record Route(String pluginId, Endpoint endpoint) {
    }

    /**
     * A matched route.
     *
     * @param route  the route
     * @param params the values of its named segments, and {@code *} for the rest of a {@code /*} route
     */
    public record Match(Route route, Map<String, String> params) {
    }

    private final Map<String, Route> exact = new HashMap<>();
    private final List<Route> patterns = new ArrayList<>();
    private final Set<String> paths = new LinkedHashSet<>();

    /** No routes. */
    public static PluginRoutes empty() {
        return new PluginRoutes();
    }

    /** Adds a route; returns a problem message if the core or another plugin already serves it. */
    Optional<String> add(String pluginId, Endpoint e) {
        if (RESERVED.matcher(e.path()).matches()) {
            return Optional.of("route " + e.describe() + " is served by the gateway itself");
        }
        String key = e.method() + " " + e.path();
        Route existing = exact.get(key);
        if (existing == null) {
            existing = patterns.stream().filter(r -> r.endpoint().method().equals(e.method())
                    && shape(r.endpoint().path()).equals(shape(e.path()))).findFirst().orElse(null);
        }
        if (existing != null) {
            return Optional.of("route " + e.describe() + " is claimed by both plugin '" + existing.pluginId()
                    + "' and plugin '" + pluginId + "'");
        }
        Route r = new Route(pluginId, e);
        if (e.path().contains("{") || e.path().endsWith("/*")) {
            patterns.add(r);
            patterns.sort(Comparator.comparingInt((Route x) -> -literalLength(x.endpoint().path())));
        } else {
            exact.put(key, r);
        }
        paths.add(e.path());
        return Optional.empty();
    }

    /** The route for a method and path, if a plugin serves it. */
    public Optional<Match> find(String method, String path) {
        Route r = exact.get(method + " " + path);
        if (r != null) {
            return Optional.of(new Match(r, Map.of()));
        }
        for (Route p : patterns) {
            if (p.endpoint().method().equals(method)) {
                Map<String, String> params = match(p.endpoint().path(), path);
                if (params != null) {
                    return Optional.of(new Match(p, params));
                }
            }
        }
        return Optional.empty();
    }

    /** The methods plugins serve on a path (for 405 answers with {@code Allow}); empty if none serves the path. */
    public Set<String> methods(String path) {
        Set<String> out = new LinkedHashSet<>();
        for (Route r : exact.values()) {
            if (r.endpoint().path().equals(path)) {
                out.add(r.endpoint().method());
            }
        }
        for (Route p : patterns) {
            if (match(p.endpoint().path(), path) != null) {
                out.add(p.endpoint().method());
            }
        }
        return out;
    }

    /** Every route, for logs. */
    public List<Route> all() {
        List<Route> out = new ArrayList<>(exact.values());
        out.addAll(patterns);
        out.sort(Comparator.comparing((Route r) -> r.endpoint().path()).thenComparing(r -> r.endpoint().method()));
        return out;
    }

    private static String shape(String pattern) {
        return pattern.replaceAll("\\{[^/]*}", "{}");
    }

    private static int literalLength(String pattern) {
        return shape(pattern).replace("{}", "").replace("*", "").length();
    }

    /** Matches a path against a pattern; the parameters, or null when it does not match. */
    private static Map<String, String> match(String pattern, String path) {
        if (pattern.endsWith("/*")) {
            String prefix = pattern.substring(0, pattern.length() - 1);
            String base = pattern.substring(0, pattern.length() - 2);
            if (path.equals(base) || path.startsWith(prefix)) {
                Map<String, String> p = matchSegments(base, path.equals(base) ? base
                        : path.substring(0, prefix.length() - 1));
                if (p != null) {
                    p.put("*", path.length() > prefix.length() ? path.substring(prefix.length()) : "");
                }
                return p;
            }
            return null;
        }
        return matchSegments(pattern, path);
    }

    private static Map<String, String> matchSegments(String pattern, String path) {
        String[] ps = pattern.split("/", -1);
        String[] xs = path.split("/", -1);
        if (ps.length != xs.length) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < ps.length; i++) {
            if (ps[i].startsWith("{") && ps[i].endsWith("}")) {
                if (xs[i].isEmpty()) {
                    return null;
                }
                params.put(ps[i].substring(1, ps[i].length() - 1), xs[i]);
            } else if (!ps[i].equals(xs[i])) {
                return null;
            }
        }
        return params;
    }
}
