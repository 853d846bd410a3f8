package io.heimdall.core.internal.config;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.heimdall.core.internal.config.Load.exactly;
import static io.heimdall.core.internal.config.Load.ok;
import static io.heimdall.core.internal.config.Load.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code models.<alias>} targets and fallbacks, and {@code providers.<name>.keys}. */
class ModelsAndKeysConfigTest {
    private static final String PROVIDERS = """
            providers:
              openai: { type: openai }
              azure:  { type: openai-compatible, base-url: "http://127.0.0.1:1/v1" }
              local:  { type: mock }
            """;

    @Test
    void targetsFormOneWeightedGroupUnlessPrioritiesAreWritten() {
        GatewayConfig c = ok(PROVIDERS + """
                models:
                  balanced: { targets: [ { model: openai/gpt-4o, weight: 9 }, { model: azure/gpt-4o, weight: 1 } ] }
                  tiered:
                    targets:
                      - { model: openai/gpt-4o, priority: 0 }
                      - { model: azure/gpt-4o, priority: 1 }
                      - local/echo
                """);
        List<GatewayConfig.AliasTarget> balanced = c.models().get("balanced").targets();
        assertEquals(List.of(new GatewayConfig.AliasTarget("openai", "gpt-4o", 9, 0),
                new GatewayConfig.AliasTarget("azure", "gpt-4o", 1, 0)), balanced);
        List<GatewayConfig.AliasTarget> tiered = c.models().get("tiered").targets();
        assertEquals(List.of(0, 1, 0), tiered.stream().map(GatewayConfig.AliasTarget::priority).toList());
        assertEquals(List.of(), c.models().get("tiered").fallbacks());
    }

    @Test
    void targetProblems() {
        exactly(problems(PROVIDERS + """
                models:
                  m:
                    targets:
                      - { model: opnai/gpt-4o }
                      - { model: openai/gpt-4o, weight: -1, priority: 1.5, wieght: 2 }
                      - { model: gpt-4o }
                      - 42
                  empty: { targets: [] }
                  bad: { targts: [ local/echo ] }
                """),
                "models.m.targets[0].model: unknown provider 'opnai' (did you mean 'openai'? configured: openai, azure, "
                        + "local)",
                "models.m.targets[1].wieght: unknown key (did you mean 'weight'?)",
                "models.m.targets[1].weight: must not be negative, got -1",
                "models.m.targets[1].priority: expected a whole number, got the number 1.5",
                "models.m.targets[2].model: must be <provider>/<model>, got 'gpt-4o'",
                "models.m.targets[3]: expected {model: <provider>/<model>}, got the number 42",
                "models.empty.targets: expected a non-empty list of {model: <provider>/<model>}",
                "models.bad.targts: unknown key (did you mean 'targets'?)",
                "models.bad.targets: expected a non-empty list of {model: <provider>/<model>}");
    }

    @Test
    void fallbacksAreProviderModelsOrOtherAliases() {
        GatewayConfig c = ok(PROVIDERS + """
                models:
                  smart:
                    targets: [ openai/gpt-4o ]
                    fallbacks: [ azure/gpt-4o, cheap, local/echo ]
                  cheap:
                    targets: [ openai/gpt-4o-mini ]
                    fallbacks: [ local/echo ]
                """);
        assertEquals(List.of("azure/gpt-4o", "cheap", "local/echo"), c.models().get("smart").fallbacks());
        assertEquals(List.of("local/echo"), c.models().get("cheap").fallbacks());
    }

    @Test
    void fallbackProblems() {
        exactly(problems(PROVIDERS + """
                models:
                  a:
                    targets: [ openai/gpt-4o ]
                    fallbacks: [ a, azur/gpt-4o, chaep, b, b, 7, "" ]
                  b:
                    targets: [ openai/gpt-4o ]
                    fallbacks: [ c ]
                  c:
                    targets: [ local/echo ]
                    fallbacks: [ a ]
                  cheap:
                    targets: [ local/echo ]
                    fallbacks: local/echo
                """),
                "models.a.fallbacks[0]: an alias cannot fall back to itself",
                "models.a.fallbacks[1]: unknown provider 'azur' and no alias named 'azur/gpt-4o' (did you mean "
                        + "'azure'? configured providers: openai, azure, local)",
                "models.a.fallbacks[2]: no alias named 'chaep' (did you mean 'cheap'? a fallback is an alias or "
                        + "<provider>/<model>; aliases: a, b, c, cheap)",
                "models.a.fallbacks[4]: 'b' is listed twice (also fallbacks[3])",
                "models.a.fallbacks[5]: expected <provider>/<model> or an alias name, got the number 7",
                "models.a.fallbacks[6]: expected <provider>/<model> or an alias name, got the string ''",
                "models.cheap.fallbacks: expected a list of <provider>/<model> or alias names, got the string "
                        + "'local/echo'",
                "models.a.fallbacks[3]: fallbacks form a cycle: a -> b -> c -> a",
                "models.b.fallbacks[0]: fallbacks form a cycle: b -> c -> a -> b",
                "models.c.fallbacks[0]: fallbacks form a cycle: c -> a -> b -> c");
    }

    @Test
    void keysHaveNamesFieldsAndModelGlobs() {
        GatewayConfig c = ok("""
                providers:
                  openai:
                    type: openai
                    keys:
                      - "${env:OPENAI_KEY_A}"
                      - { name: team-b, value: "${env:OPENAI_KEY_B}", weight: 3, models: [ "gpt-4o*", "*-mini" ] }
                      - { value: "${env:OPENAI_KEY_C}", models: [ o1 ] }
                  bedrock:
                    type: mock
                    keys:
                      - name: prod
                        access-key-id: "${env:AWS_ACCESS_KEY_ID}"
                        secret-access-key: "${env:AWS_SECRET}"
                        session-token: "${env:AWS_SESSION_TOKEN:-}"
                        region: eu-west-1
                        ttl: 3600
                """);
        List<GatewayConfig.KeyEntry> keys = c.providers().get("openai").keys();
        assertEquals(List.of("openai#0", "team-b", "openai#2"), keys.stream().map(GatewayConfig.KeyEntry::id).toList());
        assertEquals("${env:OPENAI_KEY_A}", keys.get(0).reference());
        assertEquals(List.of("*"), keys.get(0).models());
        assertEquals(3.0, keys.get(1).weight());
        assertEquals(Map.of(), keys.get(1).fields());
        assertTrue(keys.get(1).serves("gpt-4o"));
        assertTrue(keys.get(1).serves("gpt-4o-2024-08-06"));
        assertTrue(keys.get(1).serves("o3-mini"));
        assertFalse(keys.get(1).serves("o1"));
        assertTrue(keys.get(2).serves("o1"));
        assertFalse(keys.get(2).serves("o1-preview"));

        GatewayConfig.KeyEntry prod = c.providers().get("bedrock").keys().getFirst();
        assertEquals("prod", prod.id());
        assertEquals("", prod.reference(), "no value: only credential fields");
        assertEquals(Map.of("access-key-id", "${env:AWS_ACCESS_KEY_ID}", "secret-access-key", "${env:AWS_SECRET}",
                "session-token", "${env:AWS_SESSION_TOKEN:-}", "region", "eu-west-1", "ttl", "3600"), prod.fields());
        assertFalse(c.providers().get("bedrock").config().containsKey("keys"));
    }

    @Test
    void globsMatchStarsAnywhere() {
        assertTrue(GatewayConfig.KeyEntry.matches("*", ""));
        assertTrue(GatewayConfig.KeyEntry.matches("*", "anything"));
        assertTrue(GatewayConfig.KeyEntry.matches("gpt-4o*", "gpt-4o"));
        assertTrue(GatewayConfig.KeyEntry.matches("*-mini", "gpt-4o-mini"));
        assertFalse(GatewayConfig.KeyEntry.matches("*-mini", "gpt-4o-mini-2024"));
        assertTrue(GatewayConfig.KeyEntry.matches("claude-*-sonnet*", "claude-3-5-sonnet-20241022"));
        assertFalse(GatewayConfig.KeyEntry.matches("claude-*-sonnet*", "claude-3-opus"));
        assertTrue(GatewayConfig.KeyEntry.matches("a**b", "ab"));
        assertTrue(GatewayConfig.KeyEntry.matches("exact", "exact"));
        assertFalse(GatewayConfig.KeyEntry.matches("exact", "exactly"));
        assertFalse(GatewayConfig.KeyEntry.matches("", "x"));
    }

    @Test
    void keyProblems() {
        exactly(problems("""
                providers:
                  a:
                    type: mock
                    keys:
                      - { name: main, value: x }
                      - { name: main, value: y }
                      - { value: z, name: "a#0" }
                      - { weight: 2 }
                      - { name: "has space", value: x }
                      - { name: "${env:NAME}", value: x }
                      - { value: [ x ], models: [], valeu: q }
                      - { value: x, weight: -2, access-key-id: [ x ] }
                      - 12345
                  b: { type: mock, keys: "${env:B_KEY}" }
                """),
                "providers.a.keys[1].name: duplicate key name 'main' (also providers.a.keys[0]); names are unique per "
                        + "provider",
                "providers.a.keys[3].value: is required (write \"${env:NAME}\" to read it from the environment), "
                        + "unless the key has the credential fields of its provider type instead",
                "providers.a.keys[4].name: must be 1 to 64 letters, digits, '.', '_', '-', ':' or '#', starting with "
                        + "a letter or digit; it is shown in logs and metrics, so it is written out, never read from "
                        + "the environment",
                "providers.a.keys[5].name: must be 1 to 64 letters, digits, '.', '_', '-', ':' or '#', starting with "
                        + "a letter or digit; it is shown in logs and metrics, so it is written out, never read from "
                        + "the environment",
                "providers.a.keys[6].value: expected a string such as \"${env:NAME}\", got a list",
                "providers.a.keys[6].models: expected a non-empty list of model names or globs such as \"*\", "
                        + "\"gpt-4o*\" or \"*-mini\"",
                "providers.a.keys[6].valeu: unknown key (did you mean 'value'?)",
                "providers.a.keys[7].weight: must not be negative",
                "providers.a.keys[7].access-key-id: expected a string, got a list",
                "providers.a.keys[8]: expected a string or an object such as {name, value, weight, models}, got a "
                        + "number",
                "providers.b.keys: expected a list of {name, value, weight, models}, got a string");
    }

    @Test
    void anExplicitNameMayNotTakeADefaultName() {
        exactly(problems("""
                providers:
                  a: { type: mock, keys: [ { value: x }, { name: "a#0", value: y } ] }
                """),
                "providers.a.keys[1].name: duplicate key name 'a#0' (also providers.a.keys[0]); names are unique per "
                        + "provider");
    }
}
