package io.heimdall.core.internal.config;

import io.heimdall.api.plugin.ConfigOption;
import io.heimdall.api.plugin.ConfigSpec;
import io.heimdall.api.plugin.ConfigType;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hides the literal secret values of a config (provider keys and key fields declared secret, plugin and provider keys
 * of type secret or string-map, the admin token) behind {@code <masked:ID>} tokens, ID being the first 8 hex digits
 * of the value's SHA-256, and puts them back. {@code ${env:NAME}} references are not secrets and stay as written.
 */
public final class SecretMask {
    private static final Pattern TOKEN = Pattern.compile("<masked:([0-9a-f]{8})>");

    private final Map<String, String> byToken;

    private SecretMask(Map<String, String> byToken) {
        this.byToken = byToken;
    }

    /**
     * The literal secrets of {@code config}.
     *
     * @param providerSpecs a provider type's config and key specs, by type id
     * @param pluginSpecs   a plugin's config spec, by plugin id
     */
    public static SecretMask of(GatewayConfig config, Function<String, Optional<ConfigSpec[]>> providerSpecs,
                                Function<String, Optional<ConfigSpec>> pluginSpecs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (GatewayConfig.ProviderEntry p : config.providers().values()) {
            Optional<ConfigSpec[]> specs = providerSpecs.apply(p.type());
            specs.ifPresent(s -> collect(p.config(), s[0], out));
            for (GatewayConfig.KeyEntry k : p.keys()) {
                add(k.reference(), out);
                for (Map.Entry<String, String> f : k.fields().entrySet()) {
                    boolean secret = specs.flatMap(s -> s[1].option(f.getKey())).map(ConfigOption::type)
                            .map(t -> t == ConfigType.SECRET).orElse(true);
                    if (secret) {
                        add(f.getValue(), out);
                    }
                }
            }
        }
        for (GatewayConfig.PluginEntry e : config.plugins()) {
            pluginSpecs.apply(e.id()).ifPresent(spec -> collect(e.config(), spec, out));
        }
        config.router().ifPresent(e -> pluginSpecs.apply(e.id()).ifPresent(spec -> collect(e.config(), spec, out)));
        config.adminToken().ifPresent(t -> add(t, out));
        return new SecretMask(out);
    }

    private static void collect(Map<?, ?> values, ConfigSpec spec, Map<String, String> out) {
        if (values == null) {
            return;
        }
        for (Map.Entry<?, ?> e : values.entrySet()) {
            Optional<ConfigOption> o = spec.option(String.valueOf(e.getKey()));
            if (o.isEmpty()) {
                continue;
            }
            Object v = e.getValue();
            Optional<ConfigSpec> nested = o.get().spec();
            switch (o.get().type()) {
                case SECRET -> add(v, out);
                case STRING_MAP -> {
                    if (v instanceof Map<?, ?> m) {
                        m.values().forEach(x -> add(x, out));
                    }
                }
                case OBJECT -> {
                    if (v instanceof Map<?, ?> m && nested.isPresent()) {
                        collect(m, nested.get(), out);
                    }
                }
                case OBJECT_LIST -> {
                    if (v instanceof List<?> l && nested.isPresent()) {
                        l.forEach(i -> collect(i instanceof Map<?, ?> m ? m : Map.of(), nested.get(), out));
                    }
                }
                case OBJECT_MAP -> {
                    if (v instanceof Map<?, ?> m && nested.isPresent()) {
                        m.values().forEach(i -> collect(i instanceof Map<?, ?> im ? im : Map.of(), nested.get(), out));
                    }
                }
                default -> {
                }
            }
        }
    }

    private static void add(Object value, Map<String, String> out) {
        if (value instanceof String s && !s.isEmpty() && !SecretResolver.hasReference(s)) {
            out.put(token(s), s);
        }
    }

    /** A mask that knows no secret. */
    public static SecretMask none() {
        return new SecretMask(Map.of());
    }

    /** This mask, also knowing the tokens of {@code earlier} (secrets of configs run before) it does not hold. */
    public SecretMask orElse(SecretMask earlier) {
        Map<String, String> all = new LinkedHashMap<>(earlier.byToken);
        all.putAll(byToken);
        return new SecretMask(all);
    }

    /** The token that stands for {@code value}. */
    public static String token(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return "<masked:" + HexFormat.of().formatHex(digest, 0, 4) + ">";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The text with every literal secret replaced by its token (longest first, so none hides inside another). */
    public String mask(String text) {
        String out = text;
        List<Map.Entry<String, String>> bySize = byToken.entrySet().stream()
                .sorted(Comparator.comparingInt((Map.Entry<String, String> e) -> e.getValue().length()).reversed())
                .toList();
        for (Map.Entry<String, String> e : bySize) {
            out = out.replace(e.getValue(), e.getKey());
        }
        return out;
    }

    /**
     * The text with every token put back; a token this mask does not know is reported in {@code problems} (the value
     * it stood for is no longer in the config: it must be entered again).
     */
    public String unmask(String text, Problems problems) {
        Matcher m = TOKEN.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = byToken.get(m.group());
            if (value == null) {
                problems.add("", "the masked secret " + m.group() + " is not one the running config holds; "
                        + "enter its value (or an ${env:NAME} reference) instead");
                value = m.group();
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
