package io.heimdall.core.internal.http;

import io.heimdall.api.http.UpstreamRequest;
import io.heimdall.api.http.UpstreamResponse;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lent HTTP client applies the attempt's scope: headers, the deadline, time to first byte, headers passed on. */
class UpstreamScopeTest {
    @Test
    void theScopesHeadersReachTheUpstreamAndItsRateLimitHeadersComeBack() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            CompletableFuture<List<String>> seen = CompletableFuture.supplyAsync(() -> {
                try (Socket s = server.accept()) {
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                            StandardCharsets.US_ASCII));
                    List<String> lines = new ArrayList<>();
                    for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                        lines.add(line.toLowerCase(java.util.Locale.ROOT));
                    }
                    OutputStream out = s.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nx-ratelimit-remaining-requests: 41\r\n"
                            + "x-request-id: upstream-123\r\nConnection: close\r\n\r\n{}")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    return lines;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            ApacheUpstreamClient client = new ApacheUpstreamClient("p", "http://127.0.0.1:" + server.getLocalPort(),
                    Duration.ofSeconds(5), 4);
            UpstreamScope scope = new UpstreamScope(Instant.now().plusSeconds(10), Duration.ofSeconds(10),
                    Duration.ofSeconds(10), System.nanoTime());
            scope.header("x-request-id", "req-client-7");
            scope.header("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
            scope.header("authorization", "Bearer from-a-hook");
            try {
                ScopedValue.where(UpstreamScope.CURRENT, scope).run(() -> {
                    try (UpstreamResponse r = client.send(UpstreamRequest.postJson("/chat",
                            Map.of("Authorization", "Bearer provider-key"), "{}".getBytes(StandardCharsets.UTF_8),
                            Duration.ofSeconds(5)))) {
                        assertEquals(200, r.status());
                        r.readBody(10);
                    }
                });
            } finally {
                client.close();
            }
            List<String> headers = seen.get();
            assertTrue(headers.contains("x-request-id: req-client-7"), headers.toString());
            assertTrue(headers.stream().anyMatch(h -> h.startsWith("traceparent: 00-0af7651916cd43dd")),
                    headers.toString());
            assertEquals(List.of("authorization: bearer provider-key"), headers.stream()
                    .filter(h -> h.startsWith("authorization")).toList(), "the provider's own header wins");
            assertEquals(Map.of("x-ratelimit-remaining-requests", "41", "x-upstream-request-id", "upstream-123"),
                    scope.passOn());
            assertTrue(scope.timeToFirstByte().isPresent());
        }
    }
}
