package io.heimdall.core.internal.config;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Loads config text with the real loader and a given environment, for the config tests. */
final class Load {
    private Load() {
    }

    /** The config, which must have no structural problem. */
    static GatewayConfig ok(String yaml, Map<String, String> env) {
        Problems problems = new Problems();
        GatewayConfig config = new ConfigLoader(new SecretResolver(env))
                .parse(yaml.getBytes(StandardCharsets.UTF_8), false, "c.yaml", problems);
        problems.throwIfAny();
        return config;
    }

    static GatewayConfig ok(String yaml) {
        return ok(yaml, Map.of());
    }

    /** The structural problems, which must not be empty. */
    static List<String> problems(String text, boolean json, Map<String, String> env) {
        ConfigException e = assertThrows(ConfigException.class, () -> {
            Problems problems = new Problems();
            new ConfigLoader(new SecretResolver(env)).parse(text.getBytes(StandardCharsets.UTF_8), json,
                    json ? "c.json" : "c.yaml", problems);
            problems.throwIfAny();
        });
        return e.problems();
    }

    static List<String> problems(String yaml) {
        return problems(yaml, false, Map.of());
    }

    /** Asserts that every expected line starts one of the problems. */
    static void expect(List<String> problems, String... expected) {
        for (String e : expected) {
            assertTrue(problems.stream().anyMatch(p -> p.startsWith(e)), "missing '" + e + "' in\n  "
                    + String.join("\n  ", problems));
        }
    }

    /** Asserts that the problems are exactly these lines. */
    static void exactly(List<String> problems, String... expected) {
        org.junit.jupiter.api.Assertions.assertEquals(List.of(expected), problems);
    }
}
