package io.heimdall.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every config problem is reported at load with its exact path and reason, all at once. */
class ConfigValidationTest {
    private static List<String> problems(Path dir, String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        Gateway.GatewayStartException e = assertThrows(Gateway.GatewayStartException.class, () -> Gateway.builder()
                .config(file).watchConfig(false).environment(Map.of())
                .factory(new ScriptedProviderFactory()).factory(new RejectingHookFactory()).start());
        return e.problems();
    }

    @Test
    void reportsEveryProblemWithItsPath(@TempDir Path dir) throws Exception {
        List<String> p = problems(dir, "c.yaml", """
                server: { port: "eighty", hots: x, request-timeout: 10 }
                providers:
                  a: { type: scripted, lable: typo, delay: soon }
                  b: { type: warp-drive }
                  c: { type: scripted, keys: [ { value: k, wieght: 2 } ] }
                models:
                  m: { targets: [ { model: ghost/x }, { model: no-slash } ] }
                plugins:
                  - { id: test-guard, config: { words: x } }
                  - { id: missing-plugin }
                extra: 1
                """);
        List<String> expected = List.of(
                "extra: unknown key",
                "server.hots: unknown key",
                "server.port: expected a whole number, got the string 'eighty'",
                "server.request-timeout: expected a duration",
                "providers.c.keys[0].wieght: unknown key",
                "models.m.targets[0].model: unknown provider 'ghost'",
                "models.m.targets[1].model: must be <provider>/<model>",
                // Each plugin's own keys are checked in the same pass.
                "providers.a.lable: unknown key (did you mean 'label'?)",
                "providers.a.delay: expected a duration",
                "providers.b.type: unknown provider type 'warp-drive'",
                "plugins[0].config.words: unknown key (did you mean 'word'?)",
                "plugins[1].id: no loaded plugin has id 'missing-plugin'");
        for (String e : expected) {
            assertTrue(p.stream().anyMatch(s -> s.startsWith(e)), "missing '" + e + "' in " + p);
        }
    }

    @Test
    void pluginSpecificKeysAreCheckedAgainstTheFactorySpec(@TempDir Path dir) throws Exception {
        List<String> p = problems(dir, "c.yaml", """
                providers:
                  a: { type: scripted, lable: typo, delay: soon }
                  b: { type: warp-drive }
                plugins:
                  - { id: test-guard, config: { words: x } }
                  - { id: missing-plugin }
                """);
        List<String> expected = List.of(
                "providers.a.lable: unknown key (did you mean 'label'?)",
                "providers.a.delay: expected a duration",
                "providers.b.type: unknown provider type 'warp-drive' (available: ",
                "plugins[0].config.words: unknown key (did you mean 'word'?)",
                "plugins[1].id: no loaded plugin has id 'missing-plugin'");
        for (String e : expected) {
            assertTrue(p.stream().anyMatch(s -> s.startsWith(e)), "missing '" + e + "' in " + p);
        }
    }

    @Test
    void aPortInUseIsAStartErrorNotAHang(@TempDir Path dir) throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 5,
                java.net.InetAddress.getLoopbackAddress())) {
            List<String> p = problems(dir, "c.yaml", "server: { port: " + taken.getLocalPort()
                    + " }\nproviders: { a: { type: scripted } }\n");
            assertTrue(p.getFirst().startsWith("server: cannot listen on 127.0.0.1:" + taken.getLocalPort()),
                    p.toString());
        }
    }

    @Test
    void unsetEnvironmentVariableOutsideKeysIsAnError(@TempDir Path dir) throws Exception {
        List<String> p = problems(dir, "c.yaml", """
                providers:
                  a: { type: scripted, label: "${env:HEIMDALL_TEST_UNSET}" }
                """);
        assertEquals(List.of("providers.a.label: environment variable HEIMDALL_TEST_UNSET is not set"), p);
    }

    @Test
    void jsonConfigAndSyntaxErrors(@TempDir Path dir) throws Exception {
        List<String> p = problems(dir, "c.json", "{\"providers\": {\"a\": {\"type\": \"scripted\",}}");
        assertTrue(p.getFirst().contains("not valid JSON at line 1"), p.toString());
        Path ok = dir.resolve("ok.json");
        Files.writeString(ok, "{\"server\":{\"port\":0},\"providers\":{\"a\":{\"type\":\"scripted\"}}}");
        try (Gateway gw = Gateway.builder().config(ok).watchConfig(false).factory(new ScriptedProviderFactory())
                .start()) {
            assertTrue(gw.port() > 0);
        }
    }
}
