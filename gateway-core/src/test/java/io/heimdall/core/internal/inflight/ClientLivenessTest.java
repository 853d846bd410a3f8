package io.heimdall.core.internal.inflight;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Client liveness over real sockets on 127.0.0.1: a ServerSocket stands in for the gateway, a second one for an
 * upstream that never answers, and the request's virtual thread blocks reading from the upstream.
 */
@Timeout(120)
class ClientLivenessTest {
    private final Loopback net = new Loopback();
    private InFlightRequests watchdog;
    private ServerSocket gateway;
    private ServerSocket upstream;

    @BeforeEach
    void start() throws IOException {
        watchdog = InFlightRequests.start(InFlightRequests.Settings.defaults(10_000));
        assumeTrue(watchdog.clientLivenessAvailable(), "needs Linux's /proc/net/tcp");
        gateway = net.listen();
        upstream = net.listen();
    }

    @AfterEach
    void stop() {
        watchdog.close();
        net.close();
    }

    /** What the request thread saw. */
    private static final class Outcome {
        final AtomicReference<Throwable> error = new AtomicReference<>();
        final AtomicReference<Optional<CancelReason>> reason = new AtomicReference<>();
        volatile boolean interruptedAfterClose;
        volatile InFlightRequest request;
    }

    /** A request thread, registered for the client connection, blocked reading from the silent upstream. */
    private Thread blockedRequest(ClientConnection client, Outcome outcome) throws IOException {
        Socket toUpstream = net.keep(new Socket(Loopback.LOCALHOST, upstream.getLocalPort()));
        net.keep(upstream.accept()); // unreferenced, a GC could close it and end the blocked read
        Thread t = Thread.ofVirtual().start(() -> {
            InFlightRequest r = watchdog.tryRegister(Thread.currentThread(), Instant.now().plusSeconds(60), client)
                    .orElseThrow();
            outcome.request = r;
            try (r; InputStream in = toUpstream.getInputStream()) {
                in.read();
            } catch (IOException e) {
                outcome.error.set(e);
            }
            outcome.reason.set(r.cancelled());
            outcome.interruptedAfterClose = Thread.currentThread().isInterrupted();
        });
        Loopback.awaitBlocked(t);
        return t;
    }

    private void awaitScans(int more) {
        long target = watchdog.stats().scans() + more;
        assertTrue(Loopback.await(Duration.ofSeconds(30), () -> watchdog.stats().scans() >= target),
                "no scans: " + watchdog.stats());
    }

    @Test
    void aClientThatClosesItsConnectionReleasesTheBlockedRequestThread() throws Exception {
        Loopback.Pair pair = net.connect(gateway);
        Outcome outcome = new Outcome();
        Thread t = blockedRequest(pair.connection(), outcome);
        long closedAt = System.nanoTime();
        pair.client().close(); // FIN: the gateway's end goes to CLOSE_WAIT
        t.join(Duration.ofSeconds(2));
        long ms = (System.nanoTime() - closedAt) / 1_000_000;
        assertFalse(t.isAlive(), "the request thread was not released within 2 s");
        System.out.println("[inflight] client close (FIN) -> request released in " + ms + " ms");
        assertEquals(Optional.of(CancelReason.CLIENT_GONE), outcome.reason.get());
        SocketException e = assertInstanceOf(SocketException.class, outcome.error.get());
        assertEquals("Closed by interrupt", e.getMessage());
        assertFalse(outcome.interruptedAfterClose, "close() must clear the watchdog's interrupt");
        assertEquals(1, watchdog.stats().cancelledClientGone());
        assertEquals(0, watchdog.stats().inFlight());
    }

    @Test
    void aClientThatResetsItsConnectionIsDetectedToo() throws Exception {
        Loopback.Pair pair = net.connect(gateway);
        Outcome outcome = new Outcome();
        Thread t = blockedRequest(pair.connection(), outcome);
        awaitScans(2); // seen alive first
        pair.client().setSoLinger(true, 0);
        long closedAt = System.nanoTime();
        pair.client().close(); // RST: the gateway's end leaves the table
        t.join(Duration.ofSeconds(2));
        long ms = (System.nanoTime() - closedAt) / 1_000_000;
        assertFalse(t.isAlive(), "the request thread was not released within 2 s");
        System.out.println("[inflight] client reset (RST) -> request released in " + ms + " ms");
        assertEquals(Optional.of(CancelReason.CLIENT_GONE), outcome.reason.get());
        assertFalse(outcome.interruptedAfterClose);
    }

    @Test
    void aClientThatStaysConnectedIsNotCancelledOverManyScans() throws Exception {
        Loopback.Pair pair = net.connect(gateway);
        Loopback.Pair other = net.connect(gateway);
        Outcome outcome = new Outcome();
        Thread t = blockedRequest(pair.connection(), outcome);
        other.client().close(); // a neighbour on the same port going away does not matter
        awaitScans(6);
        assertTrue(t.isAlive());
        assertEquals(Optional.empty(), outcome.request.cancelled());
        assertEquals(0, watchdog.stats().cancelledClientGone());
        // the same request is cancelled once its own client leaves: the set-up could have failed the test
        pair.client().close();
        t.join(Duration.ofSeconds(2));
        assertEquals(Optional.of(CancelReason.CLIENT_GONE), outcome.reason.get());
    }

    @Test
    void aConnectionNeverSeenInTheTableIsLeftToItsDeadline() throws Exception {
        Loopback.Pair pair = net.connect(gateway);
        ClientConnection wrong = new ClientConnection(pair.connection().localPort(), Loopback.LOCALHOST,
                pair.connection().remotePort() == 65535 ? 65534 : pair.connection().remotePort() + 1);
        Outcome outcome = new Outcome();
        Thread t = blockedRequest(wrong, outcome);
        awaitScans(4);
        assertTrue(t.isAlive());
        assertEquals(Optional.empty(), outcome.request.cancelled());
        outcome.request.cancel(CancelReason.DEADLINE); // end it as its deadline would
        t.join(Duration.ofSeconds(2));
        assertFalse(t.isAlive());
    }

    /** (f): thousands of idle but connected clients; the scan still finds the few that leave. */
    @Test
    void thousandsOfConnectedClientsAreScannedAndOnlyThoseThatLeaveAreCancelled() throws Exception {
        int n = 2_000;
        List<Loopback.Pair> pairs = new ArrayList<>(n);
        List<InFlightRequest> requests = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Loopback.Pair p = net.connect(gateway);
            pairs.add(p);
            // Unstarted threads: interrupting them is harmless, and cancellation shows in cancelled().
            requests.add(watchdog.tryRegister(Thread.ofVirtual().unstarted(() -> { }), Instant.now().plusSeconds(120),
                    p.connection()).orElseThrow());
        }
        awaitScans(3);
        assertEquals(0, watchdog.stats().cancelledClientGone(), "a connected client was judged gone");
        InFlightStats before = watchdog.stats();
        System.out.println("[inflight] scan with " + n + " watched connections over " + before.lastScanRows()
                + " table rows took " + before.lastScanDuration().toNanos() / 1_000 + " us");
        List<Integer> leaving = new ArrayList<>();
        for (int i = 7; i < n; i += 100) {
            leaving.add(i);
            pairs.get(i).client().close();
        }
        long closedAt = System.nanoTime();
        assertTrue(Loopback.await(Duration.ofSeconds(2),
                () -> leaving.stream().allMatch(i -> requests.get(i).cancelled().isPresent())),
                "not all leaving clients were detected within 2 s");
        System.out.println("[inflight] " + leaving.size() + " of " + n + " clients closed -> all detected in "
                + (System.nanoTime() - closedAt) / 1_000_000 + " ms");
        awaitScans(2);
        for (int i = 0; i < n; i++) {
            Optional<CancelReason> expected = leaving.contains(i) ? Optional.of(CancelReason.CLIENT_GONE)
                    : Optional.empty();
            assertEquals(expected, requests.get(i).cancelled(), "request " + i);
        }
        assertEquals(leaving.size(), watchdog.stats().cancelledClientGone());
        requests.forEach(InFlightRequest::close);
        assertEquals(0, watchdog.stats().inFlight());
    }
}
