package io.heimdall.core.internal.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the config file (YAML, or JSON by the {@code .json} extension) into a {@link GatewayConfig}, reporting every
 * structural problem with its exact path: unknown keys, wrong types, references to undefined providers.
 */
public final class ConfigLoader {
    private static final Set<String> TOP = Set.of("server", "providers", "models", "plugins", "router", "routing",
            "admin");
    private static final Set<String> SERVER = Set.of("host", "port", "max-body-size", "request-timeout",
            "connect-timeout", "header-timeout", "body-timeout", "idle-timeout", "max-connections", "cors");
    private static final Set<String> CORS = Set.of("allowed-origins", "allowed-methods", "allowed-headers",
            "expose-headers", "max-age", "allow-credentials");
    private static final Set<String> PLUGIN = Set.of("id", "config", "enabled");
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final SecretResolver secrets;

    /** A loader resolving {@code ${env:...}} against the given resolver. */
    public ConfigLoader(SecretResolver secrets) {
        this.secrets = secrets;
    }

    /** Reads and validates a config file; throws {@link ConfigException} listing every structural problem. */
    public GatewayConfig load(Path file) {
        Problems problems = new Problems();
        GatewayConfig config = load(file, problems);
        problems.throwIfAny();
        return config;
    }

    /**
     * Reads a config file, adding every structural problem to {@code problems} and leaving out the entries at fault, so
     * that later checks (each plugin's own keys) can report theirs in the same pass. Throws {@link ConfigException}
     * only when the file cannot be read or parsed at all.
     */
    public GatewayConfig load(Path file, Problems problems) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read the config file: " + e.getMessage());
        }
        return parse(bytes, file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".json"),
                file.toString(), problems);
    }

    /** Parses config text, adding structural problems to {@code problems}. */
    public GatewayConfig parse(byte[] bytes, boolean json, String name, Problems problems) {
        ObjectMapper mapper = json ? new ObjectMapper() : new YAMLMapper();
        Map<String, Object> root;
        try {
            root = bytes.length == 0 ? null : mapper.readValue(bytes, MAP);
        } catch (JsonProcessingException e) {
            throw new ConfigException(SyntaxErrors.message(name, json, e));
        } catch (IOException | RuntimeException e) {
            // never the parser's message: it may quote the text around the fault
            throw new ConfigException(name + ": cannot parse (" + e.getClass().getSimpleName() + ")");
        }
        if (root == null) {
            root = Map.of();
        }
        unknownKeys("", root, TOP, problems);
        Map<String, Object> serverSection = map(root, "server", "", problems);
        GatewayConfig.Routing routing = RoutingParser.global(root.get("routing"), serverSection, problems);
        GatewayConfig.Server server = server(serverSection, routing, problems);
        Map<String, GatewayConfig.ProviderEntry> providers = providers(map(root, "providers", "", problems),
                routing, problems);
        Map<String, GatewayConfig.Alias> models = AliasParser.parse(map(root, "models", "", problems), providers,
                secrets, problems);
        List<GatewayConfig.PluginEntry> plugins = plugins(root.get("plugins"), problems);
        Optional<GatewayConfig.PluginEntry> router = Optional.empty();
        if (root.get("router") != null) {
            if (root.get("router") instanceof Map<?, ?> r) {
                router = plugin(cast(r), "router", problems);
            } else {
                problems.add("router", "expected an object with id and config, got " + ConfigView.describe(root.get(
                        "router")));
            }
        }
        return new GatewayConfig(server, providers, models, plugins, router, routing, adminToken(root, problems));
    }

    /** {@code admin: { token: ... }}: the admin credential's reference or literal, checked to resolve. */
    private Optional<String> adminToken(Map<String, Object> root, Problems problems) {
        Map<String, Object> admin = map(root, "admin", "", problems);
        unknownKeys("admin", admin, Set.of("token"), problems);
        Object raw = admin.get("token");
        if (raw != null && !(raw instanceof String)) {
            problems.add("admin.token", "expected a string, got " + ConfigView.describe(raw));
        }
        Optional<String> token = raw instanceof String s ? Optional.of(s) : Optional.empty();
        if (token.isPresent()) {
            StringBuilder missing = new StringBuilder();
            Optional<String> value = secrets.resolve(token.get(), missing);
            if (value.isEmpty()) {
                problems.add("admin.token", "environment variable " + missing + " is not set");
            } else if (value.get().length() < 16) {
                problems.add("admin.token", "the admin token must be at least 16 characters long");
            }
        }
        return token;
    }

    private GatewayConfig.Server server(Map<String, Object> s, GatewayConfig.Routing routing, Problems problems) {
        unknownKeys("server", s, SERVER, problems);
        String host = string(s, "host", "server", problems).orElse("127.0.0.1");
        long port = integer(s, "port", "server", problems).orElse(8080L);
        if (port < 0 || port > 65535) {
            problems.add("server.port", "must be between 0 and 65535, got " + port);
        }
        long maxBody = size(s, "max-body-size", "server", problems).orElse(16L * 1024 * 1024);
        // request-timeout and connect-timeout are read (and checked) as aliases of routing.timeouts.total/.connect
        Duration timeout = routing.timeouts().total();
        Duration connect = routing.timeouts().connect();
        Duration header = positive(s, "header-timeout", problems).orElse(GatewayConfig.Server.DEFAULT_HEADER_TIMEOUT);
        Duration body = positive(s, "body-timeout", problems).orElse(GatewayConfig.Server.DEFAULT_BODY_TIMEOUT);
        Duration idle = positive(s, "idle-timeout", problems).orElse(GatewayConfig.Server.DEFAULT_IDLE_TIMEOUT);
        long maxConnections = integer(s, "max-connections", "server", problems)
                .orElse((long) GatewayConfig.Server.DEFAULT_MAX_CONNECTIONS);
        if (maxConnections < 1 || maxConnections > 1_000_000) {
            problems.add("server.max-connections", "must be at least 1 and at most 1000000, got " + maxConnections);
        }
        Map<String, Object> corsMap = map(s, "cors", "server", problems);
        Optional<GatewayConfig.Cors> cors = s.get("cors") instanceof Map ? cors(corsMap, problems) : Optional.empty();
        return new GatewayConfig.Server(host, (int) port, maxBody, timeout, connect, header, body, idle,
                (int) Math.max(1, Math.min(maxConnections, 1_000_000)), cors);
    }

    private static Optional<Duration> positive(Map<String, Object> s, String key, Problems problems) {
        Optional<Duration> d = duration(s, key, "server", problems);
        if (d.isPresent() && (d.get().isZero() || d.get().isNegative())) {
            problems.add("server." + key, "must be more than 0, got " + s.get(key));
            return Optional.empty();
        }
        return d;
    }

    /** {@code server.cors}, present: CORS is on, and {@code allowed-origins} must say for whom. */
    private static Optional<GatewayConfig.Cors> cors(Map<String, Object> c, Problems problems) {
        String path = "server.cors";
        unknownKeys(path, c, CORS, problems);
        List<String> origins = strings(c, "allowed-origins", path, problems).orElse(List.of());
        if (c.get("allowed-origins") == null) {
            problems.add(path + ".allowed-origins", "is required to turn CORS on (for example "
                    + "[\"https://app.example.com\"] or [\"*\"])");
        } else if (origins.isEmpty() && c.get("allowed-origins") instanceof List) {
            problems.add(path + ".allowed-origins", "must list at least one origin (or leave out server.cors)");
        }
        for (int i = 0; i < origins.size(); i++) {
            String o = origins.get(i);
            if (!o.equals("*") && !o.matches("https?://(\\*\\.)?[A-Za-z0-9.-]+(:\\d{1,5})?")) {
                problems.add(path + ".allowed-origins[" + i + "]", "expected '*' or an origin such as "
                        + "https://app.example.com or https://*.example.com (scheme, host, optional port; no path), "
                        + "got '" + o + "'");
            }
        }
        List<String> methods = strings(c, "allowed-methods", path, problems)
                .orElse(GatewayConfig.Cors.DEFAULT_METHODS);
        for (int i = 0; i < methods.size(); i++) {
            if (!methods.get(i).matches("[A-Za-z]+")) {
                problems.add(path + ".allowed-methods[" + i + "]", "expected a method name such as POST, got '"
                        + methods.get(i) + "'");
            }
        }
        List<String> headers = strings(c, "allowed-headers", path, problems)
                .orElse(GatewayConfig.Cors.DEFAULT_HEADERS);
        for (int i = 0; i < headers.size(); i++) {
            if (!headers.get(i).matches("\\*|[A-Za-z0-9!#$%&'+.^_`|~-]+\\*?")) {
                problems.add(path + ".allowed-headers[" + i + "]", "expected a header name, a prefix ending in '*' "
                        + "or '*' alone, got '" + headers.get(i) + "'");
            }
        }
        List<String> expose = strings(c, "expose-headers", path, problems).orElse(GatewayConfig.Cors.DEFAULT_EXPOSE);
        for (int i = 0; i < expose.size(); i++) {
            if (!expose.get(i).matches("\\*|[A-Za-z0-9!#$%&'+.^_`|~-]+")) {
                problems.add(path + ".expose-headers[" + i + "]", "expected a header name or '*' alone (browsers "
                        + "take no patterns here), got '" + expose.get(i) + "'");
            }
        }
        Duration maxAge = duration(c, "max-age", path, problems).orElse(GatewayConfig.Cors.DEFAULT_MAX_AGE);
        boolean credentials = false;
        Object rawCredentials = c.get("allow-credentials");
        if (rawCredentials instanceof Boolean b) {
            credentials = b;
        } else if (rawCredentials != null) {
            problems.add(path + ".allow-credentials", "expected true or false, got "
                    + ConfigView.describe(rawCredentials));
        }
        if (credentials && origins.contains("*")) {
            problems.add(path + ".allow-credentials", "cannot be true with allowed-origins '*' (browsers refuse it; "
                    + "list the origins instead)");
        }
        java.util.function.Function<List<String>, List<String>> lower = l -> l.stream()
                .map(v -> v.toLowerCase(java.util.Locale.ROOT)).toList();
        return Optional.of(new GatewayConfig.Cors(origins.stream().map(o -> o.toLowerCase(java.util.Locale.ROOT))
                .toList(), methods.stream().map(m -> m.toUpperCase(java.util.Locale.ROOT)).toList(),
                lower.apply(headers), lower.apply(expose), maxAge, credentials));
    }

    private Map<String, GatewayConfig.ProviderEntry> providers(Map<String, Object> p, GatewayConfig.Routing global,
                                                               Problems problems) {
        Map<String, GatewayConfig.ProviderEntry> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : p.entrySet()) {
            String name = e.getKey();
            String path = "providers." + name;
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
                problems.add(path, "provider names may contain letters, digits, '.', '_' and '-' only");
                continue;
            }
            if (!(e.getValue() instanceof Map<?, ?> raw)) {
                problems.add(path, "expected an object with at least 'type', got " + ConfigView.describe(e.getValue()));
                continue;
            }
            Map<String, Object> entry = new LinkedHashMap<>(cast(raw));
            Optional<String> type = string(entry, "type", path, problems);
            if (type.isEmpty()) {
                problems.add(path + ".type", "is required (for example mock, openai, openai-compatible)");
                continue;
            }
            List<GatewayConfig.KeyEntry> keys = KeysParser.parse(name, path + ".keys", entry.get("keys"), problems);
            GatewayConfig.Routing routing = RoutingParser.provider(entry.get("routing"), path + ".routing", global,
                    problems);
            entry.remove("type");
            entry.remove("keys");
            entry.remove("routing");
            out.put(name, new GatewayConfig.ProviderEntry(name, type.get(), keys, entry, routing));
        }
        return out;
    }

    private List<GatewayConfig.PluginEntry> plugins(Object raw, Problems problems) {
        if (raw == null) {
            return List.of();
        }
        if (!(raw instanceof List<?> list)) {
            problems.add("plugins", "expected a list of {id, config}, got " + ConfigView.describe(raw));
            return List.of();
        }
        List<GatewayConfig.PluginEntry> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String path = "plugins[" + i + "]";
            Object p = list.get(i);
            if (p instanceof String id) {
                out.add(new GatewayConfig.PluginEntry(id, Map.of(), path));
            } else if (p instanceof Map<?, ?> m) {
                plugin(cast(m), path, problems).ifPresent(out::add);
            } else {
                problems.add(path, "expected {id, config}, got " + ConfigView.describe(p));
            }
        }
        return List.copyOf(out);
    }

    private Optional<GatewayConfig.PluginEntry> plugin(Map<String, Object> m, String path, Problems problems) {
        unknownKeys(path, m, PLUGIN, problems);
        Optional<String> id = string(m, "id", path, problems);
        if (id.isEmpty()) {
            problems.add(path + ".id", "is required");
            return Optional.empty();
        }
        if (Boolean.FALSE.equals(m.get("enabled"))) {
            return Optional.empty();
        }
        Map<String, Object> config = map(m, "config", path, problems);
        return Optional.of(new GatewayConfig.PluginEntry(id.get(), config, path + ".config"));
    }

    // ------------------------------------------------------------------ typed reads

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }

    private static void unknownKeys(String path, Map<String, Object> m, Set<String> known, Problems problems) {
        List<String> accepted = known.stream().sorted().toList();
        for (String key : m.keySet()) {
            if (!known.contains(key)) {
                problems.add(ConfigView.join(path, key), Suggest.unknownKey(key, accepted));
            }
        }
    }

    private static Map<String, Object> map(Map<String, Object> m, String key, String path, Problems problems) {
        Object v = m.get(key);
        if (v == null) {
            return Map.of();
        }
        if (v instanceof Map<?, ?> map) {
            return cast(map);
        }
        problems.add(ConfigView.join(path, key), "expected an object, got " + ConfigView.describe(v));
        return Map.of();
    }

    private Optional<String> string(Map<String, Object> m, String key, String path, Problems problems) {
        Object v = m.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof String s)) {
            problems.add(ConfigView.join(path, key), "expected a string, got " + ConfigView.describe(v));
            return Optional.empty();
        }
        if (SecretResolver.hasReference(s) && !key.equals("value")) {
            StringBuilder missing = new StringBuilder();
            Optional<String> resolved = secrets.resolve(s, missing);
            if (resolved.isEmpty()) {
                problems.add(ConfigView.join(path, key), "environment variable " + missing + " is not set");
            }
            return resolved;
        }
        return Optional.of(s);
    }

    private static Optional<Long> integer(Map<String, Object> m, String key, String path, Problems problems) {
        Object v = m.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof Integer || v instanceof Long) {
            return Optional.of(((Number) v).longValue());
        }
        problems.add(ConfigView.join(path, key), "expected a whole number, got " + ConfigView.describe(v));
        return Optional.empty();
    }

    private static Optional<List<String>> strings(Map<String, Object> m, String key, String path,
                                                  Problems problems) {
        Object v = m.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof List<?> l && l.stream().allMatch(e -> e instanceof String)) {
            @SuppressWarnings("unchecked")
            List<String> s = (List<String>) l;
            return Optional.of(List.copyOf(s));
        }
        problems.add(ConfigView.join(path, key), "expected a list of strings, got " + ConfigView.describe(v));
        return Optional.empty();
    }

    private static Optional<Duration> duration(Map<String, Object> m, String key, String path, Problems problems) {
        Object v = m.get(key);
        if (v == null) {
            return Optional.empty();
        }
        Optional<Duration> d = v instanceof String s ? Durations.parse(s) : Optional.empty();
        if (d.isEmpty()) {
            problems.add(ConfigView.join(path, key), "expected a duration such as 250ms, 30s, 5m or 1h, got "
                    + ConfigView.describe(v));
        }
        return d;
    }

    private static Optional<Long> size(Map<String, Object> m, String key, String path, Problems problems) {
        Object v = m.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof Integer || v instanceof Long) {
            return Optional.of(((Number) v).longValue());
        }
        if (v instanceof String s) {
            java.util.regex.Matcher mt = java.util.regex.Pattern.compile("(?i)\\s*(\\d+)\\s*(b|kb|kib|mb|mib|gb|gib)?\\s*")
                    .matcher(s);
            if (mt.matches()) {
                long n = Long.parseLong(mt.group(1));
                String unit = mt.group(2) == null ? "b" : mt.group(2).toLowerCase(java.util.Locale.ROOT);
                return Optional.of(switch (unit) {
                    case "kb" -> n * 1000;
                    case "kib" -> n * 1024;
                    case "mb" -> n * 1000 * 1000;
                    case "mib" -> n * 1024 * 1024;
                    case "gb" -> n * 1000 * 1000 * 1000;
                    case "gib" -> n * 1024 * 1024 * 1024;
                    default -> n;
                });
            }
        }
        problems.add(ConfigView.join(path, key), "expected a size such as 1048576, 512KiB or 16MiB, got "
                + ConfigView.describe(v));
        return Optional.empty();
    }
}
