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

/** Routing, fallback and key problems are reported at start with the plugin problems, all at once. */
class RoutingValidationTest {
    @Test
    void routingFallbackAndKeyProblemsComeWithPluginProblems(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("c.yaml");
        Files.writeString(file, """
                server: { request-timeout: 30s }
                routing:
                  timeouts: { total: 1m }
                  retries: { jitter: 2 }
                providers:
                  a:
                    type: scripted
                    lable: x
                    routing: { circuit-breaker: { error-rate: 1.5 } }
                    keys: [ { name: one, value: k }, { name: one, value: l } ]
                models:
                  m: { targets: [ a/x ], fallbacks: [ m, n ] }
                  n: { targets: [ a/y ], fallbacks: [ m ] }
                """);
        List<String> p = assertThrows(Gateway.GatewayStartException.class, () -> Gateway.builder().config(file)
                .watchConfig(false).environment(Map.of()).factory(new ScriptedProviderFactory()).start()).problems();
        assertEquals(List.of(
                "routing.timeouts.total: also set as server.request-timeout, its older alias: keep only one of "
                        + "routing.timeouts.total and server.request-timeout",
                "routing.retries.jitter: must be between 0 and 1, got 2",
                "providers.a.keys[1].name: duplicate key name 'one' (also providers.a.keys[0]); names are unique per "
                        + "provider",
                "providers.a.routing.circuit-breaker.error-rate: must be above 0 and at most 1, got 1.5",
                "models.m.fallbacks[0]: an alias cannot fall back to itself",
                "models.m.fallbacks[1]: fallbacks form a cycle: m -> n -> m",
                "models.n.fallbacks[0]: fallbacks form a cycle: n -> m -> n",
                "providers.a.lable: unknown key (did you mean 'label'?)"), p);
    }

    @Test
    void aValidRoutingConfigStarts(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("c.yaml");
        Files.writeString(file, """
                server: { port: 0 }
                routing:
                  retries: { max: 1 }
                  timeouts: { total: 2m, max-client: 5m }
                providers:
                  a:
                    type: scripted
                    routing: { bulkhead: { max-concurrency: 4 } }
                    keys: [ { name: main, value: k, models: [ "o*" ] } ]
                models:
                  m: { targets: [ { model: a/ok, weight: 9 }, { model: a/ok2, weight: 1 } ], fallbacks: [ a/ok ] }
                """);
        try (Gateway gw = Gateway.builder().config(file).watchConfig(false).environment(Map.of())
                .factory(new ScriptedProviderFactory()).start()) {
            assertTrue(gw.port() > 0);
        }
    }
}
