package io.heimdall.core.internal.inflight;

import io.heimdall.api.GatewayException;
import io.heimdall.api.http.UpstreamRequest;
import io.heimdall.api.http.UpstreamResponse;
import io.heimdall.core.internal.http.ApacheUpstreamClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;
import org.apache.hc.core5.io.CloseMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a cancelled virtual thread sees where the gateway blocks: a socket read, Apache HttpClient's response and body
 * reads through {@link ApacheUpstreamClient}, and Apache's wait for a pooled connection.
 */
@Timeout(60)
class CancellationReleaseTest {
    private final Loopback net = new Loopback();
    private InFlightRequests watchdog;

    @BeforeEach
    void start() {
        watchdog = InFlightRequests.start(InFlightRequests.Settings.defaults(100));
    }

    @AfterEach
    void stop() {
        watchdog.close();
        net.close();
    }

    /** Runs the body on a registered virtual thread with the deadline; returns what it threw and its outcome. */
    private record Run(Throwable error, Optional<CancelReason> reason, boolean interruptedAfterClose, long millis) {
    }

    @FunctionalInterface
    private interface Work {
        void run() throws Exception;
    }

    private Run runWithDeadline(Duration deadline, Work work) throws InterruptedException {
        AtomicReference<Run> run = new AtomicReference<>();
        long start = System.nanoTime();
        Thread t = Thread.ofVirtual().start(() -> {
            InFlightRequest r = watchdog.tryRegister(Thread.currentThread(), Instant.now().plus(deadline))
                    .orElseThrow();
            Throwable error = null;
            try (r) {
                work.run();
            } catch (Exception e) {
                error = e;
            }
            run.set(new Run(error, r.cancelled(), Thread.currentThread().isInterrupted(),
                    (System.nanoTime() - start) / 1_000_000));
        });
        t.join(deadline.plusSeconds(2));
        assertFalse(t.isAlive(), "not released within 2 s of its deadline");
        return run.get();
    }

    /** An upstream that accepts connections and reads requests but never answers. */
    private ServerSocket silentUpstream() throws IOException {
        ServerSocket upstream = net.listen();
        Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    Socket s = upstream.accept();
                    Thread.ofVirtual().start(() -> {
                        try (s; InputStream in = s.getInputStream()) {
                            in.transferTo(OutputStream.nullOutputStream());
                        } catch (IOException e) {
                            // gone
                        }
                    });
                }
            } catch (IOException e) {
                // closed
            }
        });
        return upstream;
    }

    @Test
    void aThreadBlockedReadingASilentSocketIsReleasedWithClosedByInterrupt() throws Exception {
        ServerSocket upstream = silentUpstream();
        AtomicReference<Socket> socket = new AtomicReference<>();
        Run run = runWithDeadline(Duration.ofMillis(300), () -> {
            socket.set(new Socket(Loopback.LOCALHOST, upstream.getLocalPort()));
            socket.get().getInputStream().read();
        });
        SocketException e = assertInstanceOf(SocketException.class, run.error());
        assertEquals("Closed by interrupt", e.getMessage());
        assertTrue(socket.get().isClosed(), "the JDK closes the socket of an interrupted virtual thread");
        assertEquals(Optional.of(CancelReason.DEADLINE), run.reason());
        assertFalse(run.interruptedAfterClose());
        System.out.println("[inflight] socket read with a 300 ms deadline released after " + run.millis() + " ms");
    }

    @Test
    void afterCloseTheCancelledThreadCanStillWriteItsErrorResponse() throws Exception {
        ServerSocket gateway = net.listen();
        Loopback.Pair client = net.connect(gateway);
        ServerSocket upstream = silentUpstream();
        byte[] answer = new byte[4 << 20]; // larger than the socket buffers: the write has to block
        answer[answer.length - 1] = 42;
        AtomicReference<byte[]> received = new AtomicReference<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                received.set(client.client().getInputStream().readNBytes(answer.length));
            } catch (IOException e) {
                received.set(new byte[0]);
            }
        });
        AtomicReference<Throwable> writeError = new AtomicReference<>();
        Thread t = Thread.ofVirtual().start(() -> {
            InFlightRequest r = watchdog.tryRegister(Thread.currentThread(), Instant.now().plusMillis(200))
                    .orElseThrow();
            try (r; Socket s = new Socket(Loopback.LOCALHOST, upstream.getLocalPort())) {
                s.getInputStream().read();
            } catch (IOException e) {
                // cancelled: the request is answered below, after close()
            }
            try {
                client.accepted().getOutputStream().write(answer); // what the HTTP layer does for a 504
            } catch (IOException e) {
                writeError.set(e);
            }
        });
        t.join(Duration.ofSeconds(10));
        reader.join(Duration.ofSeconds(10));
        assertEquals(null, writeError.get());
        assertArrayEquals(answer, received.get());
    }

    @Test
    void apacheUpstreamClientWaitingForAResponseIsReleasedAsA502ThatTheCallerMapsByReason() throws Exception {
        ServerSocket upstream = silentUpstream();
        ApacheUpstreamClient client = new ApacheUpstreamClient("silent", "http://127.0.0.1:" + upstream.getLocalPort(),
                Duration.ofSeconds(5), 1024);
        try {
            Run run = runWithDeadline(Duration.ofMillis(300), () -> client.send(UpstreamRequest.postJson(
                    "/v1/chat/completions", Map.of(), "{}".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(60))));
            GatewayException e = assertInstanceOf(GatewayException.class, run.error());
            assertEquals(502, e.error().status());
            assertEquals("Closed by interrupt", rootCause(e).getMessage());
            assertEquals(Optional.of(CancelReason.DEADLINE), run.reason());
            assertFalse(run.interruptedAfterClose());
            System.out.println("[inflight] ApacheUpstreamClient.send: " + e.error().status() + " "
                    + e.error().message() + " (cause " + rootCause(e) + ")");
        } finally {
            client.close();
        }
    }

    /** The audit's case: a non-streaming upstream trickling its body past the request's deadline. */
    @Test
    void aTricklingBodyIsCutAtTheDeadline() throws Exception {
        ServerSocket upstream = net.listen();
        Thread.ofVirtual().start(() -> {
            try (Socket s = upstream.accept()) {
                InputStream in = s.getInputStream();
                byte[] buf = new byte[8192];
                int n = in.read(buf); // the request (small enough for one read)
                OutputStream out = s.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                for (int i = 0; i < 100 && n > 0; i++) {
                    out.write(' ');
                    out.flush();
                    Thread.sleep(100); // ten seconds in all
                }
            } catch (IOException | InterruptedException e) {
                // the gateway hung up
            }
        });
        ApacheUpstreamClient client = new ApacheUpstreamClient("trickle",
                "http://127.0.0.1:" + upstream.getLocalPort(), Duration.ofSeconds(5), 1024);
        try {
            Run run = runWithDeadline(Duration.ofSeconds(1), () -> {
                try (UpstreamResponse response = client.send(UpstreamRequest.postJson("/v1/chat/completions",
                        Map.of(), "{}".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(60)))) {
                    assertEquals(200, response.status());
                    response.readBody(1 << 20);
                }
            });
            assertInstanceOf(GatewayException.class, run.error());
            assertEquals(Optional.of(CancelReason.DEADLINE), run.reason());
            assertFalse(run.interruptedAfterClose());
            assertTrue(run.millis() < 3_000, "body read not cut at the deadline: " + run.millis() + " ms");
        } finally {
            client.close();
        }
    }

    @Test
    void waitingForAPooledApacheConnectionIsReleasedWithAnInterruptedIoException() throws Exception {
        ServerSocket upstream = silentUpstream();
        URI uri = URI.create("http://127.0.0.1:" + upstream.getLocalPort() + "/");
        try (CloseableHttpClient client = HttpClients.custom().disableAutomaticRetries()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(1).setMaxConnPerRoute(1).build()).build()) {
            Thread holder = Thread.ofVirtual().start(() -> {
                try {
                    client.executeOpen(null, new BasicClassicHttpRequest("GET", uri), null);
                } catch (IOException e) {
                    // released when the client closes
                }
            });
            Loopback.awaitBlocked(holder);
            Run run = runWithDeadline(Duration.ofMillis(300),
                    () -> client.executeOpen(null, new BasicClassicHttpRequest("GET", uri), null));
            assertInstanceOf(InterruptedIOException.class, run.error());
            assertEquals(Optional.of(CancelReason.DEADLINE), run.reason());
            assertFalse(run.interruptedAfterClose());
            System.out.println("[inflight] Apache pool lease wait: " + run.error());
            client.close(CloseMode.IMMEDIATE);
            holder.join(Duration.ofSeconds(5));
        }
    }

    private static Throwable rootCause(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
