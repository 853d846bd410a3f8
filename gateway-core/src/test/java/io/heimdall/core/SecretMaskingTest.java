package io.heimdall.core;

import io.heimdall.api.plugin.ConfigSpec;
import io.heimdall.core.internal.config.ConfigView;
import io.heimdall.core.internal.config.SecretResolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** No config problem ever shows a secret: not a value written inline, not what an {@code ${env:...}} resolved to. */
class SecretMaskingTest {
    private static final String LITERAL = "sk-canary-literal-9f8e7d6c5b4a";
    private static final String RESOLVED = "sk-canary-env-0a1b2c3d4e5f";
    private static final Map<String, String> ENV = Map.of("CANARY", RESOLVED);

    private static List<String> problems(Path dir, String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        List<String> p = assertThrows(Gateway.GatewayStartException.class, () -> Gateway.builder().config(file)
                .watchConfig(false).environment(ENV).factory(new ScriptedProviderFactory())
                .factory(new NestedHookFactory()).start()).problems();
        for (String problem : p) {
            assertFalse(problem.contains("canary"), "a secret leaked into: " + problem);
            assertFalse(problem.contains("9f8e7d6c") || problem.contains("0a1b2c3d"), "a secret leaked: " + problem);
        }
        return p;
    }

    private static void syntax(Path dir, String name, String text, String where, String reason) throws Exception {
        List<String> p = problems(dir, name, text);
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.getFirst().contains(where), p.toString());
        assertTrue(p.getFirst().endsWith(reason), p.toString());
    }

    @Test
    void syntaxErrorsShowLineColumnAndAFixedReasonOnly(@TempDir Path dir) throws Exception {
        syntax(dir, "a.yaml", """
                providers:
                  a:
                    type: scripted
                    keys:
                      - value: %s: oops
                """.formatted(LITERAL), "not valid YAML at line 5, column ", "a ':' where no key can start (a "
                + "missing space after ':', a missing quote, or wrong indentation?)");
        syntax(dir, "b.yaml", """
                providers:
                  a: { type: scripted, keys: [ { value: "%s } ] }
                """.formatted(LITERAL), "not valid YAML at line ",
                "the file ends inside a quoted value or a bracket");
        syntax(dir, "c.yaml", "providers:\n  a:\n\tvalue: " + LITERAL + "\n", "not valid YAML at line ",
                "a character that cannot start a value here (a tab used for indentation, or '@' or '`' at the start "
                        + "of an unquoted value?)");
        syntax(dir, "d.yaml", "providers: { a: { type: scripted, keys: [ " + LITERAL + " }\n",
                "not valid YAML at line 1, column ", "an unclosed '[' list (or a missing ',' in it)");
        syntax(dir, "i.yaml", "providers:\n  a:\n    - " + LITERAL + "\n   type: x\n", "not valid YAML at line 4",
                "wrong indentation (a key indented unlike the keys beside it?)");
        syntax(dir, "e.json", "{\"providers\": {\"a\": {\"type\": \"scripted\", \"keys\": [{\"value\": " + LITERAL
                + "}]}}}", "not valid JSON at line 1, column ", "a value that is not JSON (an unquoted string?)");
        syntax(dir, "f.json", "{\"providers\": {\"a\": {\"keys\": [{\"value\": \"" + LITERAL + "\" \"x\"}]}}}",
                "not valid JSON at line 1, column ", "a missing comma between two entries");
        syntax(dir, "g.json", "{\"providers\": {\"a\": {\"keys\": [{\"value\": \"" + LITERAL + "\n",
                "not valid JSON at line ", "a control character inside a quoted string");
        syntax(dir, "h.yaml", "- " + LITERAL + "\n", "not valid YAML at line 1, column 1",
                "the top level must be an object of keys and values");
    }

    @Test
    void resolvedValuesAreShownAsTheirReference(@TempDir Path dir) throws Exception {
        List<String> p = problems(dir, "c.yaml", """
                providers:
                  a: { type: scripted, delay: "${env:CANARY}" }
                models:
                  m: { targets: [ { model: "${env:CANARY}" }, { model: "x${env:CANARY}/gpt" } ] }
                routing:
                  timeouts: { total: "${env:CANARY}" }
                plugins:
                  - id: test-nested
                    config:
                      mode: "${env:CANARY}"
                      poll: "${env:CANARY}"
                      base-url: "${env:CANARY}"
                """);
        assertEquals(List.of(
                "routing.timeouts.total: expected a duration such as 250ms, 30s, 5m or 1h, got the string "
                        + "'${env:CANARY}'",
                "models.m.targets[0].model: must be <provider>/<model>, got the value of '${env:CANARY}'",
                "models.m.targets[1].model: unknown provider in the value of 'x${env:CANARY}/gpt' (configured: a)",
                "providers.a.delay: expected a duration such as 250ms, 30s, 5m or 1h, got the value of "
                        + "${env:CANARY}",
                "plugins[0].config.mode: must be one of tools, agent (${env:CANARY} has another value)",
                "plugins[0].config.poll: expected a duration such as 250ms, 30s, 5m or 1h, got the value of "
                        + "${env:CANARY}"), p);
    }

    @Test
    void valuesOfSecretKeysAndKeyEntriesAreNeverShown(@TempDir Path dir) throws Exception {
        List<String> p = problems(dir, "c.yaml", """
                providers:
                  a:
                    type: scripted
                    keys:
                      - { value: 987654321987 }
                      - { valeu: %1$s }
                      - { name: k2, secret-access-key: [ %1$s ] }
                      - 9876543210
                plugins:
                  - id: test-nested
                    config:
                      api-key: [ %1$s ]
                      tls: { password: { v: %1$s } }
                """.formatted(LITERAL));
        assertEquals(List.of(
                "providers.a.keys[0].value: expected a string such as \"${env:NAME}\", got a number",
                "providers.a.keys[1].valeu: unknown key (did you mean 'value'?)",
                "providers.a.keys[1].value: is required (write \"${env:NAME}\" to read it from the environment), "
                        + "unless the key has the credential fields of its provider type instead",
                "providers.a.keys[2].secret-access-key: expected a string, got a list",
                "providers.a.keys[3]: expected a string or an object such as {name, value, weight, models}, got a "
                        + "number",
                "plugins[0].config.tls.password: expected a string, got an object",
                "plugins[0].config.api-key: expected a string, got a list"), p);
        assertFalse(String.join("\n", p).contains("987654321987") || String.join("\n", p).contains("9876543210"));
    }

    @Test
    void aViewPrintsNoSecretOrStringMapValue() {
        Map<String, Object> values = Map.of(
                "api-key", LITERAL,
                "tls", Map.of("password", LITERAL, "verify", true),
                "servers", Map.of("fs", Map.of("env", Map.of("TOKEN", LITERAL), "url", "http://x")),
                "mode", "agent");
        ConfigSpec spec = NestedHookFactory.SPEC;
        String text = new ConfigView("plugins[0].config", values, spec, new SecretResolver(ENV)).toString();
        assertFalse(text.contains("canary"), text);
        assertTrue(text.contains("agent") && text.contains("http://x") && text.contains("verify=true"), text);
    }
}
