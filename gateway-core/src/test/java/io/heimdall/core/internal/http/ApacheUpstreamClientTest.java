package io.heimdall.core.internal.http;

import io.heimdall.api.GatewayException;
import io.heimdall.api.http.UpstreamRequest;
import io.heimdall.api.http.UpstreamResponse;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The upstream client on the wire: the request head it sends, kept-alive connections, the pool's cap, and what a
 * chunked body says is available at a chunk's end.
 */
class ApacheUpstreamClientTest {
    private static final byte[] BODY = "{\"model\":\"m\"}".getBytes(StandardCharsets.UTF_8);

    /** A keep-alive HTTP/1.1 server: records every request head, answers each with {@code {}} after {@code hold}. */
    private static final class Upstream implements AutoCloseable {
        final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final List<List<String>> heads = new CopyOnWriteArrayList<>();
        final AtomicInteger connections = new AtomicInteger();
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch arrived = new CountDownLatch(1);
        final boolean hold;
        /** Closes a connection idle this long (0: never), as servers with a keep-alive timeout do. */
        final int idleCloseMillis;

        Upstream(boolean hold) throws IOException {
            this(hold, 0);
        }

        Upstream(boolean hold, int idleCloseMillis) throws IOException {
            this.hold = hold;
            this.idleCloseMillis = idleCloseMillis;
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        connections.incrementAndGet();
                        Thread.ofVirtual().start(() -> serve(s));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        String base() {
            return "http://127.0.0.1:" + server.getLocalPort() + "/v1";
        }

        private void serve(Socket s) {
            try (s) {
                s.setSoTimeout(idleCloseMillis);
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                        StandardCharsets.ISO_8859_1));
                OutputStream out = s.getOutputStream();
                while (true) {
                    List<String> head = new ArrayList<>();
                    for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                        head.add(line);
                    }
                    if (head.isEmpty()) {
                        return;
                    }
                    int length = head.stream().filter(h -> h.toLowerCase(Locale.ROOT).startsWith("content-length:"))
                            .mapToInt(h -> Integer.parseInt(h.substring(15).strip())).findFirst().orElse(0);
                    char[] body = new char[length];
                    for (int n = 0, r; n < length; n += r) {
                        if ((r = in.read(body, n, length - n)) < 0) {
                            return;
                        }
                    }
                    heads.add(head);
                    arrived.countDown();
                    if (hold) {
                        release.await(10, TimeUnit.SECONDS);
                    }
                    out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // the client went away
            }
        }

        @Override
        public void close() throws IOException {
            release.countDown();
            server.close();
        }
    }

    private static byte[] call(ApacheUpstreamClient client, Map<String, String> headers, Duration timeout) {
        try (UpstreamResponse r = client.send(UpstreamRequest.postJson("/chat/completions", headers, BODY, timeout))) {
            assertEquals(200, r.status());
            return r.readBody(100);
        }
    }

    @Test
    void theRequestHeadNamesTheHostAndTheGatewayAndTheConnectionIsKeptAlive() throws Exception {
        try (Upstream upstream = new Upstream(false)) {
            ApacheUpstreamClient client = new ApacheUpstreamClient("p", upstream.base(), Duration.ofSeconds(5), 4);
            try {
                assertArrayEquals("{}".getBytes(StandardCharsets.US_ASCII),
                        call(client, Map.of("Authorization", "Bearer k"), Duration.ofSeconds(5)));
                call(client, Map.of("User-Agent", "company-agent/2"), Duration.ofSeconds(5));
            } finally {
                client.close();
            }
            assertEquals(1, upstream.connections.get(), "the second request reuses the first one's connection");
            List<String> first = upstream.heads.get(0);
            assertEquals("POST /v1/chat/completions HTTP/1.1", first.get(0));
            List<String> lower = first.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
            assertTrue(lower.contains("host: 127.0.0.1:" + upstream.server.getLocalPort()), first.toString());
            assertTrue(lower.contains("user-agent: heimdall"), first.toString());
            assertTrue(lower.contains("authorization: bearer k"), first.toString());
            assertTrue(lower.contains("content-type: application/json"), first.toString());
            assertTrue(lower.contains("content-length: " + BODY.length), first.toString());
            List<String> agents = upstream.heads.get(1).stream()
                    .filter(h -> h.toLowerCase(Locale.ROOT).startsWith("user-agent:")).toList();
            assertEquals(List.of("User-Agent: company-agent/2"), agents, "a caller's own user agent is the only one");
        }
    }

    /** Runs the calls on a virtual thread, as the gateway does. */
    private static void onVirtualThread(Runnable calls) throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                calls.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        assertTrue(t.join(Duration.ofSeconds(20)), "the calls ended");
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
    }

    /** Longer than the 2 s a pooled connection may sit idle before it is checked (a stale check before reuse). */
    private static final long IDLE_PAST_CHECK_MS = 2_300;

    @Test
    void aHealthyConnectionIdleLongEnoughToBeCheckedIsReused() throws Exception {
        try (Upstream upstream = new Upstream(false)) {
            ApacheUpstreamClient client = new ApacheUpstreamClient("p", upstream.base(), Duration.ofSeconds(5), 4);
            try {
                onVirtualThread(() -> {
                    call(client, Map.of(), Duration.ofSeconds(5));
                    sleep(IDLE_PAST_CHECK_MS);
                    call(client, Map.of(), Duration.ofSeconds(5));
                });
            } finally {
                client.close();
            }
            assertEquals(2, upstream.heads.size());
            assertEquals(1, upstream.connections.get(), "the check found the idle connection usable");
        }
    }

    @Test
    void aConnectionTheUpstreamClosedWhileIdleIsNotSentTheNextRequest() throws Exception {
        try (Upstream upstream = new Upstream(false, 300)) {
            ApacheUpstreamClient client = new ApacheUpstreamClient("p", upstream.base(), Duration.ofSeconds(5), 4);
            try {
                onVirtualThread(() -> {
                    call(client, Map.of(), Duration.ofSeconds(5));
                    sleep(IDLE_PAST_CHECK_MS);
                    assertArrayEquals("{}".getBytes(StandardCharsets.US_ASCII),
                            call(client, Map.of(), Duration.ofSeconds(5)));
                });
                // the same from a platform thread, on a connection it opened
                Thread.sleep(IDLE_PAST_CHECK_MS);
                call(client, Map.of(), Duration.ofSeconds(5));
                Thread.sleep(IDLE_PAST_CHECK_MS);
                call(client, Map.of(), Duration.ofSeconds(5));
            } finally {
                client.close();
            }
            assertEquals(4, upstream.heads.size(), "every request answered");
            assertEquals(4, upstream.connections.get(), "a new connection after each idle close, not a failed request");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aRequestThatFindsEveryPooledConnectionBusyIsA503NamingTheCap() throws Exception {
        try (Upstream upstream = new Upstream(true)) {
            ApacheUpstreamClient client = new ApacheUpstreamClient("p", upstream.base(), Duration.ofSeconds(5), 1);
            try {
                Thread first = Thread.ofVirtual().start(() -> call(client, Map.of(), Duration.ofSeconds(10)));
                assertTrue(upstream.arrived.await(5, TimeUnit.SECONDS));
                GatewayException e = assertThrows(GatewayException.class,
                        () -> call(client, Map.of(), Duration.ofMillis(300)));
                assertEquals(503, e.error().status());
                assertEquals("upstream_pool_exhausted", e.error().code().orElseThrow());
                assertTrue(e.error().message().contains("routing.max-connections is 1"), e.error().message());
                long[] stats = client.poolStats();
                assertEquals(1, stats[0], "leased");
                assertEquals(1, stats[3], "the cap");
                assertEquals(1, stats[4], "saturations counted");
                upstream.release.countDown();
                first.join(5_000);
                assertEquals(1, upstream.heads.size(), "the refused request never reached the upstream");
            } finally {
                client.close();
            }
        }
    }

    /**
     * Three chunks arrive in one write, then the upstream waits: after the first chunk the body says the next read will
     * not block (HttpClient's own chunked stream says 0 there, which made a stream writer flush after every SSE event);
     * after the third it says 0 until the upstream goes on, also once the third chunk's CRLF, sent on its own, is
     * waiting on the socket (a read would take it and then block on the next chunk's head).
     */
    @Test
    void aChunkedBodySaysAtAChunksEndWhetherTheNextReadWouldBlock() throws Exception {
        CountDownLatch goOn = new CountDownLatch(1);
        CountDownLatch clientReadThree = new CountDownLatch(1);
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket s = server.accept()) {
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                            StandardCharsets.ISO_8859_1));
                    for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                        // the head; the body is BODY.length bytes
                    }
                    in.read(new char[BODY.length]);
                    OutputStream out = s.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked"
                            + "\r\n\r\n5\r\naaaaa\r\n5\r\nbbbbb\r\n5\r\nccccc")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    clientReadThree.await(10, TimeUnit.SECONDS);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    goOn.await(10, TimeUnit.SECONDS);
                    out.write("3\r\nddd\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    s.getInputStream().read();
                } catch (IOException | InterruptedException e) {
                    // the client went away
                }
            });
            ApacheUpstreamClient client = new ApacheUpstreamClient("p",
                    "http://127.0.0.1:" + server.getLocalPort() + "/v1", Duration.ofSeconds(5), 2);
            try (UpstreamResponse r = client.send(UpstreamRequest.postJson("/chat/completions", Map.of(), BODY,
                    Duration.ofSeconds(5)))) {
                InputStream body = r.body();
                byte[] b = new byte[64];
                assertEquals(5, body.read(b, 0, b.length), "one chunk per read");
                assertTrue(body.available() >= 5, "the next two chunks are buffered: " + body.available());
                assertEquals(5, body.read(b, 0, b.length));
                assertEquals(5, body.read(b, 0, b.length));
                assertEquals(0, body.available(), "nothing buffered, nothing on the socket");
                clientReadThree.countDown();
                Thread.sleep(100);
                assertEquals(0, body.available(), "only the chunk's CRLF is on the socket");
                goOn.countDown();
                assertEquals(3, body.read(b, 0, b.length));
                assertEquals("ddd", new String(b, 0, 3, StandardCharsets.US_ASCII));
                assertEquals(-1, body.read(b, 0, b.length));
            } finally {
                client.close();
            }
        }
    }
}
