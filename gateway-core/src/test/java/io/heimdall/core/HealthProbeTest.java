package io.heimdall.core;

import io.heimdall.api.metrics.MetricFamily;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Active health checks open a down provider's breaker before any client request finds it down. */
class HealthProbeTest {
    @TempDir
    Path dir;

    @Test
    void aProviderFailingItsProbesIsSkippedWithoutBeingCalled() throws Exception {
        Path config = Files.writeString(dir.resolve("heimdall.yaml"), """
                server: { host: 127.0.0.1, port: 0 }
                providers:
                  down:
                    type: scripted
                    models-status: 503
                    routing:
                      health-check: { enabled: true, interval: 1s, timeout: 1s }
                      circuit-breaker: { consecutive-failures: 2 }
                  up: { type: scripted, label: up }
                models:
                  any: { targets: [ { model: down/ok, priority: 0 }, { model: up/ok, priority: 1 } ] }
                """);
        try (Gateway gateway = Gateway.builder().config(config).port(0).watchConfig(false)
                .factory(new ScriptedProviderFactory()).start()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            double state = -1;
            while (System.nanoTime() < deadline && state != 2) {
                Thread.sleep(200);
                state = breakerState(gateway);
            }
            assertEquals(2.0, state, "the probes opened the breaker (2 = open)");
            ScriptedProviderFactory.CALLS.clear();
            HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"any\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, res.statusCode(), res.body());
            assertEquals("up/ok", res.headers().firstValue("x-heimdall-provider").orElseThrow());
            assertTrue(ScriptedProviderFactory.CALLS.stream().noneMatch(c -> c.provider().equals("down")),
                    "a target known to be down is skipped, not tried: " + ScriptedProviderFactory.CALLS);
        }
    }

    private static double breakerState(Gateway gateway) {
        for (MetricFamily f : gateway.metrics().snapshot()) {
            if (f.name().equals("heimdall_circuit_breaker_state")) {
                return f.samples().stream().filter(s -> "down".equals(s.labels().get("provider")))
                        .mapToDouble(s -> s.value()).findFirst().orElse(-1);
            }
        }
        return -1;
    }
}
