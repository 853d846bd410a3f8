package io.heimdall.core;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connection-level limits over raw sockets: header, body and idle timeouts, the open-connection cap, and
 * {@code Connection: close}. The "fast" gateway uses 1 s timeouts; every wait below is bounded by a socket read
 * timeout several times longer, so a server that never closes fails the test instead of hanging it.
 */
class ServerHardeningTest {
    @TempDir
    static Path dir;
    static Gateway fast;
    static Gateway normal;

    @BeforeAll
    static void start() {
        fast = TestGateways.start(dir, "fast", "{ host: 127.0.0.1, port: 0, header-timeout: 1s, body-timeout: 1s, "
                + "idle-timeout: 1s }");
        normal = TestGateways.start(dir, "normal", "{ host: 127.0.0.1, port: 0 }");
    }

    @AfterAll
    static void stop() {
        fast.close();
        normal.close();
    }

    private static final String GET_HEALTH = "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n";

    @Test
    void slowlorisHeadersAreCutOffAfterTheHeaderTimeout() throws Exception {
        List<RawHttp> clients = new ArrayList<>();
        List<Thread> dribblers = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        try {
            for (int i = 0; i < 3; i++) {
                RawHttp c = new RawHttp(fast.port(), Duration.ofSeconds(10));
                clients.add(c);
                // A request head of ~300 bytes sent one byte every 200 ms would take a minute to arrive.
                byte[] head = ("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Pad: " + "a".repeat(250) + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII);
                dribblers.add(Thread.startVirtualThread(() -> {
                    try {
                        OutputStream out = c.socket.getOutputStream();
                        for (byte b : head) {
                            if (stop.get()) {
                                return;
                            }
                            out.write(b);
                            out.flush();
                            Thread.sleep(200);
                        }
                    } catch (IOException | InterruptedException e) {
                        // the server closed the connection: expected
                    }
                }));
            }
            for (RawHttp c : clients) {
                String got = c.readToClose();
                assertTrue(got.startsWith("HTTP/1.1 408"), "a 408 before closing: " + got);
                assertTrue(got.contains("\"error\""), got);
            }
        } finally {
            stop.set(true);
            for (RawHttp c : clients) {
                c.close();
            }
        }
    }

    @Test
    void aConnectionThatSendsNothingIsClosed() throws Exception {
        try (RawHttp c = new RawHttp(fast.port(), Duration.ofSeconds(8))) {
            assertTrue(c.closedByServer(), "closed within the header timeout");
        }
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        try (RawHttp c = new RawHttp(fast.port(), Duration.ofSeconds(8))) {
            assertEquals(200, c.send(GET_HEALTH).read().status());
            // Keep-alive works: a second request on the same connection.
            assertEquals(200, c.send(GET_HEALTH).read().status());
            assertTrue(c.closedByServer(), "closed within the idle timeout");
        }
    }

    @Test
    void aStalledBodyGets408AndIsClosed() throws Exception {
        try (RawHttp c = new RawHttp(fast.port(), Duration.ofSeconds(8))) {
            c.send("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100\r\n\r\n{\"model\":");
            String got = c.readToClose();
            assertTrue(got.startsWith("HTTP/1.1 408"), "a 408 before closing: " + got);
        }
    }

    @Test
    void aSlowButSteadyBodyAndSlowProcessingAreNotCutOff() throws Exception {
        byte[] body = TestGateways.chat("slow/ok", "patience", false).getBytes(StandardCharsets.UTF_8);
        try (RawHttp c = new RawHttp(fast.port(), Duration.ofSeconds(10))) {
            c.send("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n");
            // Five pieces 400 ms apart: 2 s in all, each gap under the 1 s body timeout.
            int step = body.length / 5 + 1;
            for (int off = 0; off < body.length; off += step) {
                Thread.sleep(400);
                c.send(java.util.Arrays.copyOfRange(body, off, Math.min(body.length, off + step)));
            }
            // The provider then takes 2.5 s: processing time is not an idle connection.
            RawHttp.Response res = c.read();
            assertEquals(200, res.status(), res.body());
            assertTrue(res.body().contains("slow: patience"), res.body());
        }
    }

    @Test
    void connectionCloseFromTheClientClosesTheSocketAfterTheResponse() throws Exception {
        try (RawHttp c = new RawHttp(normal.port(), Duration.ofSeconds(5))) {
            RawHttp.Response res = c.send("GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .read();
            assertEquals(200, res.status());
            assertEquals("close", res.header("connection").orElseThrow());
            assertTrue(c.closedByServer(), "closed right after the response");
        }
        byte[] body = TestGateways.chat("alpha/ok", "bye", true).getBytes(StandardCharsets.UTF_8);
        try (RawHttp c = new RawHttp(normal.port(), Duration.ofSeconds(5))) {
            c.send("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nConnection: Close\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n");
            c.send(body);
            RawHttp.Response res = c.read();
            assertEquals(200, res.status());
            assertTrue(res.body().endsWith("data: [DONE]\n\n"), res.body());
            assertTrue(c.closedByServer(), "closed right after the stream");
        }
    }

    @Test
    void maxConnectionsHoldsAndFreesUp() throws Exception {
        Gateway capped = TestGateways.start(dir, "capped", "{ host: 127.0.0.1, port: 0, max-connections: 3 }");
        List<RawHttp> held = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                RawHttp c = new RawHttp(capped.port(), Duration.ofSeconds(5));
                held.add(c);
                assertEquals(200, c.send(GET_HEALTH).read().status());
            }
            for (int i = 0; i < 3; i++) {
                try (RawHttp extra = new RawHttp(capped.port(), Duration.ofSeconds(5))) {
                    String got = extra.readToClose();
                    assertTrue(got.isEmpty() || got.startsWith("HTTP/1.1 503"), got);
                    assertTrue(extra.closedByServer(), "an extra connection is closed at once");
                }
            }
            // The connections within the cap still work.
            assertEquals(200, held.getFirst().send(GET_HEALTH).read().status());
            // Closing one frees its place.
            held.removeFirst().close();
            boolean served = false;
            for (int attempt = 0; attempt < 50 && !served; attempt++) {
                try (RawHttp again = new RawHttp(capped.port(), Duration.ofSeconds(5))) {
                    again.send(GET_HEALTH);
                    served = again.read().status() == 200;
                } catch (IOException e) {
                    Thread.sleep(100);
                }
            }
            assertTrue(served, "a new connection is served once one closed");
        } finally {
            for (RawHttp c : held) {
                c.close();
            }
            capped.close();
        }
    }

    @Test
    void theTimeoutsDoNotTouchHealthyTraffic() throws Exception {
        try (RawHttp c = new RawHttp(fast.port(), Duration.ofSeconds(5))) {
            for (int i = 0; i < 5; i++) {
                assertEquals(200, c.send(GET_HEALTH).read().status());
                Thread.sleep(300);
            }
            assertFalse(c.socket.isClosed());
        }
    }
}
