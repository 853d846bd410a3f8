package io.heimdall.core.internal.inflight;

import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The watchdog as the HTTP layer will use it, in a real Helidon WebServer: the handler registers with the peers
 * Helidon reports, blocks on an upstream that never answers, and maps the reason after closing the registration.
 */
@Timeout(60)
class HelidonWatchdogTest {
    private final Loopback net = new Loopback();
    private final BlockingQueue<Optional<CancelReason>> outcomes = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> upstreamCalls = new LinkedBlockingQueue<>();
    private InFlightRequests watchdog;
    private ServerSocket upstream;
    private WebServer server;

    @BeforeEach
    void start() throws IOException {
        watchdog = InFlightRequests.start(InFlightRequests.Settings.defaults(100));
        upstream = net.listen();
        Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    Socket s = upstream.accept(); // never answered
                    upstreamCalls.add("call");
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
        server = WebServer.builder().host("127.0.0.1").port(0).shutdownHook(false)
                .addRouting(HttpRouting.builder()
                        .get("/slow", (req, res) -> callUpstream(req, res, Duration.ofSeconds(60)))
                        .get("/deadline", (req, res) -> callUpstream(req, res, Duration.ofMillis(300)))
                        .get("/ok", (req, res) -> res.send("ok")))
                .build().start();
    }

    @AfterEach
    void stop() {
        server.stop();
        watchdog.close();
        net.close();
    }

    /** What the integrator's handler does. */
    private void callUpstream(ServerRequest req, ServerResponse res, Duration budget) {
        ClientConnection connection = ClientConnection.of(req.localPeer().address(), req.remotePeer().address())
                .orElseThrow();
        Optional<InFlightRequest> admitted = watchdog.tryRegister(Thread.currentThread(), Instant.now().plus(budget),
                connection);
        if (admitted.isEmpty()) {
            res.status(Status.SERVICE_UNAVAILABLE_503).header("Retry-After", "1").send();
            return;
        }
        InFlightRequest r = admitted.get();
        try (r; Socket s = new Socket(Loopback.LOCALHOST, upstream.getLocalPort())) {
            s.getInputStream().read();
        } catch (IOException e) {
            // decided below by the reason
        }
        outcomes.add(r.cancelled());
        switch (r.cancelled().orElse(null)) {
            case DEADLINE -> res.status(Status.GATEWAY_TIMEOUT_504).send("deadline");
            case CLIENT_GONE -> res.status(Status.create(499)).send(); // nobody reads it
            case null -> res.status(Status.BAD_GATEWAY_502).send("upstream");
        }
    }

    @Test
    void aClientThatHangsUpReleasesTheHandlerWithClientGone() throws Exception {
        Socket client = new Socket(Loopback.LOCALHOST, server.port());
        client.getOutputStream().write("GET /slow HTTP/1.1\r\nHost: localhost\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        assertEquals("call", upstreamCalls.poll(5, TimeUnit.SECONDS), "the handler never called the upstream");
        long closedAt = System.nanoTime();
        client.close();
        Optional<CancelReason> outcome = outcomes.poll(2, TimeUnit.SECONDS);
        assertEquals(Optional.of(CancelReason.CLIENT_GONE), outcome, "handler not released within 2 s");
        System.out.println("[inflight] Helidon: client hang-up -> handler released in "
                + (System.nanoTime() - closedAt) / 1_000_000 + " ms");
        assertTrue(Loopback.await(Duration.ofSeconds(2), () -> watchdog.stats().inFlight() == 0));
    }

    @Test
    void aDeadlineIsAnswered504AndTheKeptAliveConnectionServesTheNextRequest() throws Exception {
        try (Socket client = new Socket(Loopback.LOCALHOST, server.port())) {
            OutputStream out = client.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(),
                    StandardCharsets.US_ASCII));
            out.write("GET /deadline HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("504 deadline", readResponse(in));
            assertEquals(Optional.of(CancelReason.DEADLINE), outcomes.poll(1, TimeUnit.SECONDS));
            // Same connection, same Helidon thread: no interrupt was left behind.
            out.write("GET /ok HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("200 ok", readResponse(in));
        }
    }

    /** Reads one HTTP/1.1 response with a Content-Length body: "status body". */
    private static String readResponse(BufferedReader in) throws IOException {
        String status = in.readLine();
        int length = 0;
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).strip());
            }
        }
        char[] body = new char[length];
        int n = 0;
        while (n < length) {
            int k = in.read(body, n, length - n);
            if (k < 0) {
                break;
            }
            n += k;
        }
        return status.split(" ")[1] + " " + new String(body, 0, n);
    }
}
