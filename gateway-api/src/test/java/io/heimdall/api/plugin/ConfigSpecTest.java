package io.heimdall.api.plugin;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The spec builder: typed defaults checked when the spec is built, nested specs, allowed values and ranges. */
class ConfigSpecTest {
    private static String fails(Runnable build) {
        return assertThrows(IllegalArgumentException.class, build::run).getMessage();
    }

    @Test
    void textDefaultsAreCheckedAgainstTheirType() {
        assertEquals("config key 'port': default 'abc' is not a whole number",
                fails(() -> ConfigSpec.builder().optional("port", ConfigType.INTEGER, "abc", "d")));
        assertTrue(fails(() -> ConfigSpec.builder().optional("ratio", ConfigType.NUMBER, "half", "d"))
                .contains("is not a number"));
        assertTrue(fails(() -> ConfigSpec.builder().optional("on", ConfigType.BOOLEAN, "yes", "d"))
                .contains("is not true or false"));
        assertTrue(fails(() -> ConfigSpec.builder().optional("wait", ConfigType.DURATION, "soon", "d"))
                .contains("is not a duration"));
        assertTrue(fails(() -> ConfigSpec.builder().optional("wait", ConfigType.DURATION, "PT-5S", "d"))
                .contains("is negative"));
        assertTrue(fails(() -> ConfigSpec.builder().optional("names", ConfigType.STRING_LIST, "[a, , b]", "d"))
                .contains("is not a list"));
        assertTrue(fails(() -> ConfigSpec.builder().optional("headers", ConfigType.OBJECT, "{}", "d"))
                .contains("object keys take no default"));
        assertTrue(fails(() -> ConfigSpec.builder().optional("env", ConfigType.STRING_MAP, "x", "d"))
                .contains("string-map keys take no default"));

        ConfigSpec ok = ConfigSpec.builder()
                .optional("port", ConfigType.INTEGER, " 8080 ", "d")
                .optional("ratio", ConfigType.NUMBER, "0.5", "d")
                .optional("on", ConfigType.BOOLEAN, "false", "d")
                .optional("wait", ConfigType.DURATION, "PT30S", "d")
                .optional("names", ConfigType.STRING_LIST, "[a, b]", "d")
                .optional("free", ConfigType.STRING, "anything at all", "d")
                .optional("legacy", ConfigType.STRING, null, "null still means no default")
                .build();
        assertEquals(7, ok.options().size());
        assertEquals(Optional.empty(), ok.option("legacy").orElseThrow().defaultValue());
        assertEquals(List.of("a", "b"), ok.option("names").orElseThrow().defaultStrings());
    }

    @Test
    void typedOverloadsWriteTheirDefaultAsConfigText() {
        ConfigSpec spec = ConfigSpec.builder()
                .optional("enabled", true, "d")
                .optional("retries", 3, "d")
                .optional("ratio", 0.25, "d")
                .optional("whole", 2.0, "d")
                .optional("timeout", Duration.ofSeconds(30), "d")
                .optional("poll", Duration.ofMillis(1500), "d")
                .optional("ttl", Duration.ofHours(2), "d")
                .optional("models", List.of("*", "gpt-4o*"), "d")
                .optional("none", List.of(), "d")
                .optional("base-url", "https://example.com/v1", "d")
                .optional("label", ConfigType.STRING, "no default, no null")
                .build();
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("enabled", Optional.of("true"));
        expected.put("retries", Optional.of("3"));
        expected.put("ratio", Optional.of("0.25"));
        expected.put("whole", Optional.of("2"));
        expected.put("timeout", Optional.of("30s"));
        expected.put("poll", Optional.of("1500ms"));
        expected.put("ttl", Optional.of("2h"));
        expected.put("models", Optional.of("[*, gpt-4o*]"));
        expected.put("none", Optional.of("[]"));
        expected.put("base-url", Optional.of("https://example.com/v1"));
        expected.put("label", Optional.empty());
        for (Map.Entry<String, Object> e : expected.entrySet()) {
            assertEquals(e.getValue(), spec.option(e.getKey()).orElseThrow().defaultValue(), e.getKey());
        }
        assertEquals(ConfigType.BOOLEAN, spec.option("enabled").orElseThrow().type());
        assertEquals(ConfigType.INTEGER, spec.option("retries").orElseThrow().type());
        assertEquals(ConfigType.NUMBER, spec.option("ratio").orElseThrow().type());
        assertEquals(ConfigType.DURATION, spec.option("timeout").orElseThrow().type());
        assertEquals(ConfigType.STRING_LIST, spec.option("models").orElseThrow().type());
        assertEquals(List.of("*", "gpt-4o*"), spec.option("models").orElseThrow().defaultStrings());
        assertEquals(ConfigType.STRING, spec.option("base-url").orElseThrow().type());

        fails(() -> ConfigSpec.builder().optional("wait", Duration.ofSeconds(-1), "d"));
        fails(() -> ConfigSpec.builder().optional("ratio", Double.NaN, "d"));
        fails(() -> ConfigSpec.builder().optional("list", List.of("a,b"), "d"));
        fails(() -> ConfigSpec.builder().optional("list", List.of(" "), "d"));
        assertThrows(NullPointerException.class, () -> ConfigSpec.builder().optional("s", (String) null, "d"));
    }

    @Test
    void allowedValuesAndRangesRestrictTheLastKeyAndItsDefault() {
        ConfigSpec spec = ConfigSpec.builder()
                .optional("mode", "tools", "d").oneOf("tools", "agent")
                .optional("turns", 8, "d").range(1, 100)
                .optional("ratio", ConfigType.NUMBER, "d").min(0).max(1)
                .optional("kinds", ConfigType.STRING_LIST, "d").oneOf("a", "b")
                .build();
        assertEquals(List.of("tools", "agent"), spec.option("mode").orElseThrow().allowedValues());
        assertEquals(Optional.of(1.0), spec.option("turns").orElseThrow().min());
        assertEquals(Optional.of(100.0), spec.option("turns").orElseThrow().max());
        assertEquals(Optional.of(0.0), spec.option("ratio").orElseThrow().min());
        assertEquals(Optional.of(1.0), spec.option("ratio").orElseThrow().max());

        assertTrue(fails(() -> ConfigSpec.builder().optional("mode", "fast", "d").oneOf("tools", "agent"))
                .contains("default 'fast' is not one of tools, agent"));
        assertTrue(fails(() -> ConfigSpec.builder().optional("turns", 0, "d").min(1))
                .contains("default '0' is less than the minimum 1"));
        assertTrue(fails(() -> ConfigSpec.builder().optional("turns", 500, "d").range(1, 100))
                .contains("is more than the maximum 100"));
        assertTrue(fails(() -> ConfigSpec.builder().optional("on", true, "d").oneOf("true"))
                .contains("allowed values apply to string"));
        assertTrue(fails(() -> ConfigSpec.builder().optional("name", "x", "d").min(1))
                .contains("applies to integer and number keys only"));
        assertTrue(fails(() -> ConfigSpec.builder().optional("n", 5, "d").range(10, 1))
                .contains("is above maximum"));
        assertTrue(fails(() -> ConfigSpec.builder().optional("api-key", ConfigType.SECRET, "d").oneOf("a"))
                .contains("allowed values apply to string"));
        assertThrows(IllegalStateException.class, () -> ConfigSpec.builder().oneOf("a"));
    }

    @Test
    void nestedSpecsDeclareObjectsListsAndMapsOfObjects() {
        ConfigSpec server = ConfigSpec.builder()
                .optional("command", ConfigType.STRING_LIST, "program and arguments")
                .stringMap("env", "environment of the process")
                .optional("url", ConfigType.STRING, "Streamable HTTP endpoint")
                .stringMap("headers", "HTTP headers")
                .build();
        ConfigSpec spec = ConfigSpec.builder()
                .mapOf("servers", server, "MCP servers by name")
                .listOf("rules", ConfigSpec.builder().required("pattern", ConfigType.STRING, "d").build(), "rules")
                .object("tls", ConfigSpec.builder().optional("verify", true, "d").build(), "TLS settings")
                .optional("headers", ConfigType.OBJECT, "free-form object, as before")
                .build();
        assertEquals(ConfigType.OBJECT_MAP, spec.option("servers").orElseThrow().type());
        assertEquals(Optional.of(server), spec.option("servers").orElseThrow().spec());
        assertEquals(ConfigType.OBJECT_LIST, spec.option("rules").orElseThrow().type());
        assertEquals(ConfigType.OBJECT, spec.option("tls").orElseThrow().type());
        assertTrue(spec.option("tls").orElseThrow().spec().isPresent());
        assertTrue(spec.option("headers").orElseThrow().spec().isEmpty(), "free-form objects have no spec");
        assertEquals(ConfigType.STRING_MAP, server.option("env").orElseThrow().type());

        assertTrue(fails(() -> new ConfigOption("port", ConfigType.INTEGER, Optional.empty(), false, "d",
                Optional.of(server), List.of(), Optional.empty(), Optional.empty()))
                .contains("only object, object-list and object-map keys have a nested spec"));
        assertTrue(fails(() -> new ConfigOption("port", ConfigType.INTEGER, Optional.of("1"), true, "d"))
                .contains("a required key cannot have a default"));
        assertThrows(NullPointerException.class, () -> ConfigSpec.builder().mapOf("servers", null, "d"));
    }

    @Test
    void defaultMapAccessorsReadThroughChild() {
        PluginConfig config = new MapConfig("p", Map.of(
                "servers", Map.of("fs", Map.of("url", "http://x")),
                "env", Map.of("HOME", "/tmp", "DEBUG", "1")));
        Map<String, PluginConfig> servers = config.childMap("servers");
        assertEquals(Set.of("fs"), servers.keySet());
        assertEquals(Optional.of("http://x"), servers.get("fs").string("url"));
        assertEquals(Map.of("HOME", "/tmp", "DEBUG", "1"), config.stringMap("env"));
        assertTrue(config.childMap("absent").isEmpty());
        assertTrue(config.stringMap("absent").isEmpty());
        assertFalse(config.childMap("servers").isEmpty());
    }

    /** The smallest PluginConfig over plain maps, to test the interface's default methods. */
    private record MapConfig(String path, Map<String, Object> values) implements PluginConfig {
        @Override
        public Set<String> keys() {
            return values.keySet();
        }

        @Override
        public Optional<String> string(String key) {
            Object v = values.get(key);
            return v instanceof Map ? Optional.empty() : Optional.ofNullable(v).map(String::valueOf);
        }

        @Override
        public Optional<Secret> secret(String key) {
            return string(key).map(Secret::of);
        }

        @Override
        public Optional<Long> integer(String key) {
            return string(key).map(Long::parseLong);
        }

        @Override
        public Optional<Double> number(String key) {
            return string(key).map(Double::parseDouble);
        }

        @Override
        public Optional<Boolean> bool(String key) {
            return string(key).map(Boolean::parseBoolean);
        }

        @Override
        public Optional<Duration> duration(String key) {
            return Optional.empty();
        }

        @Override
        public List<String> strings(String key) {
            return List.of();
        }

        @Override
        @SuppressWarnings("unchecked")
        public Optional<PluginConfig> child(String key) {
            return values.get(key) instanceof Map<?, ?> m
                    ? Optional.of(new MapConfig(path + "." + key, (Map<String, Object>) m)) : Optional.empty();
        }

        @Override
        public List<PluginConfig> children(String key) {
            return List.of();
        }
    }
}
