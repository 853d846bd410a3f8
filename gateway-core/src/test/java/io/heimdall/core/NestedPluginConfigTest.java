package io.heimdall.core;

import io.heimdall.api.plugin.PluginConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Nested plugin specs are validated at their own paths and read with defaults applied. */
class NestedPluginConfigTest {
    private static Gateway.Builder gateway(Path dir, String yaml, Map<String, String> env) throws Exception {
        Path file = dir.resolve("c.yaml");
        Files.writeString(file, "server: { port: 0 }\nproviders: { a: { type: scripted } }\n" + yaml);
        return Gateway.builder().config(file).watchConfig(false).environment(env)
                .factory(new ScriptedProviderFactory()).factory(new NestedHookFactory());
    }

    @Test
    void nestedProblemsHaveTheirExactPath(@TempDir Path dir) throws Exception {
        Gateway.Builder b = gateway(dir, """
                plugins:
                  - id: test-nested
                    config:
                      servers:
                        fs: { comand: [ npx, fs ], env: { HOME: [ x ], TOKEN: "${env:UNSET_TOKEN}" } }
                        git: just-a-string
                        web: { url: "http://x", headrs: {}, enabled: sometimes }
                      rules:
                        - { pattern: "a*" }
                        - { action: deny }
                        - { pattern: b, action: maybe }
                      tls: { verfy: false }
                      mode: chat
                      max-turns: 500
                      poll: whenever
                      mod: x
                """, Map.of());
        List<String> p = assertThrows(Gateway.GatewayStartException.class, b::start).problems();
        assertEquals(List.of(
                "plugins[0].config.mod: unknown key (did you mean 'mode'?)",
                "plugins[0].config.servers.fs.comand: unknown key (did you mean 'command'?)",
                "plugins[0].config.servers.fs.env.HOME: expected a string, got a list",
                "plugins[0].config.servers.fs.env.TOKEN: environment variable UNSET_TOKEN is not set",
                "plugins[0].config.servers.git: expected an object, got the string 'just-a-string'",
                "plugins[0].config.servers.web.headrs: unknown key (did you mean 'headers'?)",
                "plugins[0].config.servers.web.enabled: expected true or false, got the string 'sometimes'",
                "plugins[0].config.rules[1].pattern: is required: what to match",
                "plugins[0].config.rules[2].action: must be one of allow, deny, got the string 'maybe'",
                "plugins[0].config.tls.verfy: unknown key (did you mean 'verify'?)",
                "plugins[0].config.mode: must be one of tools, agent, got the string 'chat'",
                "plugins[0].config.max-turns: must be at most 100, got 500",
                "plugins[0].config.poll: expected a duration such as 250ms, 30s, 5m or 1h, got the string "
                        + "'whenever'"), p);
    }

    @Test
    void nestedValuesAreReadWithDefaults(@TempDir Path dir) throws Exception {
        Gateway.Builder b = gateway(dir, """
                plugins:
                  - id: test-nested
                    config:
                      servers:
                        fs: { command: [ npx, "@mcp/fs", /tmp ], env: { HOME: /tmp, DEBUG: 1, TOKEN: "${env:TOK}" } }
                        web: { url: "http://127.0.0.1:9/mcp", headers: { Authorization: "Bearer ${env:TOK}" },
                               enabled: false }
                      rules: [ { pattern: "a*" }, { pattern: b, action: deny } ]
                      tls: {}
                      poll: "${env:POLL}"
                """, Map.of("TOK", "t0k", "POLL", "45s"));
        try (Gateway gw = b.start()) {
            assertTrue(gw.port() > 0);
        }
        PluginConfig c = NestedHookFactory.LAST.get();
        Map<String, PluginConfig> servers = c.childMap("servers");
        assertEquals(List.of("fs", "web"), List.copyOf(servers.keySet()));
        PluginConfig fs = servers.get("fs");
        assertEquals("plugins[0].config.servers.fs", fs.path());
        assertEquals(List.of("npx", "@mcp/fs", "/tmp"), fs.strings("command"));
        assertEquals(Map.of("HOME", "/tmp", "DEBUG", "1", "TOKEN", "t0k"), fs.stringMap("env"));
        assertEquals(Optional.of(true), fs.bool("enabled"), "nested default");
        assertEquals(Map.of(), fs.stringMap("headers"));
        PluginConfig web = servers.get("web");
        assertEquals(Map.of("Authorization", "Bearer t0k"), web.stringMap("headers"));
        assertEquals(Optional.of(false), web.bool("enabled"));

        List<PluginConfig> rules = c.children("rules");
        assertEquals("plugins[0].config.rules[1]", rules.get(1).path());
        assertEquals(Optional.of("allow"), rules.get(0).string("action"), "default of a list item's spec");
        assertEquals(Optional.of("deny"), rules.get(1).string("action"));

        PluginConfig tls = c.child("tls").orElseThrow();
        assertEquals(Optional.of(true), tls.bool("verify"), "default of an object's spec");
        assertEquals(Set.of("verify"), tls.keys());
        assertEquals(Optional.of("tools"), c.string("mode"));
        assertEquals(Optional.of(8L), c.integer("max-turns"));
        assertEquals(Optional.of(Duration.ofSeconds(45)), c.duration("poll"));
        PluginConfig asObject = c.child("servers").orElseThrow();
        assertEquals(List.of("fs", "web"), List.copyOf(asObject.keys()), "a map is also readable as a free object");
        assertEquals(List.of("npx", "@mcp/fs", "/tmp"), asObject.child("fs").orElseThrow().strings("command"));
        assertTrue(c.childMap("absent").isEmpty());
        assertTrue(c.stringMap("mode").isEmpty(), "not a map");
    }
}
