package io.heimdall.plugin.prometheus;

import io.heimdall.core.Gateway;
import io.heimdall.testkit.Promtool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With {@code port:} the metrics are served on a port of their own and not on the gateway's. */
class PrometheusOwnPortTest {
    @TempDir
    Path dir;

    @Test
    void servesOnItsOwnPortOnly() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Path config = dir.resolve("heimdall.yaml");
        Files.writeString(config, """
                server: { host: 127.0.0.1, port: 0 }
                plugins:
                  - { id: prometheus, config: { port: %d, host: 127.0.0.1, path: /prom } }
                """.formatted(port));
        try (Gateway gateway = Gateway.builder().config(config).port(0).start()) {
            String own = "http://127.0.0.1:" + port;
            PrometheusGatewayTest.Response r = PrometheusGatewayTest.call(own, "GET", "/prom", null, null);
            assertEquals(200, r.status());
            assertTrue(r.body().contains("# TYPE heimdall_requests_in_flight gauge"), r.body());
            Promtool.check(r.body());
            assertEquals(404, PrometheusGatewayTest.call(own, "GET", "/prom/x", null, null).status());
            assertEquals(404, PrometheusGatewayTest.call(gateway.baseUrl(), "GET", "/prom", null, null).status());
        }
    }
}
