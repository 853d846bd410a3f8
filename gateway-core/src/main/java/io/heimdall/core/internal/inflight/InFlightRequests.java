package io.heimdall.core.internal.inflight;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The in-flight request watchdog: admits requests up to a global cap and cancels those whose deadline passed
 * ({@link CancelReason#DEADLINE}) or whose client closed its TCP connection ({@link CancelReason#CLIENT_GONE}).
 *
 * <p>One daemon platform thread ticks every {@link Settings#tick()} while requests are registered (and parks when
 * none are). Client liveness is read from Linux's {@code /proc/net/tcp} and {@code /proc/net/tcp6}, never from the
 * socket the HTTP server owns: a scan runs only while some request with a {@link ClientConnection} is older than
 * {@link Settings#scanAfter()}, at most every {@link Settings#scanInterval()}. A connection in CLOSE_WAIT (the client
 * sent FIN) or a later closing state is gone at once; one that was seen before and is missing (the client reset it) is
 * gone when a confirming scan one tick later misses it too. A connection never seen in the table is never judged
 * missing, so wrong addresses leave requests to their deadline rather than cancelling them. Where the tables cannot be
 * read (not Linux) liveness is off, logged once at INFO, and deadlines and the cap still work. A client that
 * half-closes its side after sending the request (rare for HTTP) looks gone.
 *
 * <p>A scan costs the kernel every TCP socket of the host's network namespace (about 1.5-3 microseconds of CPU per
 * row on a small VM, so 30-60 ms for 20,000 sockets) whatever few it looks for, so scans are spaced to take at most a
 * tenth of the time (beyond {@link Settings#scanInterval()} when the tables are huge), and after the first finds of a
 * (local port, address family) only the table that held them is read ({@code tcp6} for Java's dual-stack sockets).
 *
 * <p>Cancelling records the reason, then calls {@link Thread#interrupt()} on the registered thread. What a virtual
 * thread then sees on JDK 25 (the socket, Apache and sleep cases are this package's tests):
 * <ul>
 *   <li>blocked reading or writing a {@link java.net.Socket} (Apache HttpClient's response read, a request write):
 *       the JDK closes that socket and the call throws {@link java.net.SocketException} "Closed by interrupt"; the
 *       thread stays interrupted. {@code ApacheUpstreamClient.send} turns this into a {@code GatewayException} 502
 *       {@code upstream_unreachable} with the message "Closed by interrupt", and the pooled connection is
 *       discarded;</li>
 *   <li>waiting for a pooled connection (Apache's lease): {@code RequestFailedException} "Request aborted" (an
 *       {@link java.io.InterruptedIOException}), also wrapped by {@code ApacheUpstreamClient} as a 502;</li>
 *   <li>{@link Thread#sleep}, {@link java.util.concurrent.locks.Condition#await}, {@code Semaphore.acquire}:
 *       {@link InterruptedException}, interrupt status cleared;</li>
 *   <li>not blocked: nothing until its next blocking call, which fails as above (a socket read that finds data
 *       already buffered, or a write that fits the send buffer, still succeeds).</li>
 * </ul>
 * A platform thread blocked in socket I/O is not released by an interrupt: register virtual threads. So whatever
 * exception ends the work, the caller asks {@link InFlightRequest#cancelled()} first and maps {@code CLIENT_GONE} to
 * 499 (or to no answer) and {@code DEADLINE} to 504, after {@link InFlightRequest#close()} (which clears the
 * interrupt).
 */
public final class InFlightRequests implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(InFlightRequests.class.getName());
    private static final AtomicBoolean LOGGED_OFF = new AtomicBoolean();
    private static final int MISSING_SCANS_TO_GONE = 2;
    private static final int UNSEEN_SCANS_TO_WARN = 3;
    /** Scans take at most a tenth of the ticker's time: with huge tables they space out beyond the interval. */
    private static final int SCAN_COST_FACTOR = 10;

    /**
     * How the watchdog runs.
     *
     * @param maxInFlight    the most requests registered at once; more are refused
     * @param tick           how often deadlines are checked while requests are in flight
     * @param scanAfter      how old a request must be before its client's liveness is worth a scan
     * @param scanInterval   the least time between two scans of the TCP tables (a confirming scan may come sooner)
     * @param clientLiveness whether to watch client connections at all
     * @param clock          the clock deadlines are compared with
     */
    public record Settings(int maxInFlight, Duration tick, Duration scanAfter, Duration scanInterval,
                           boolean clientLiveness, InstantSource clock) {
        /** Validates the fields. */
        public Settings {
            if (maxInFlight < 1) {
                throw new IllegalArgumentException("maxInFlight must be at least 1: " + maxInFlight);
            }
            Objects.requireNonNull(tick, "tick");
            Objects.requireNonNull(scanAfter, "scanAfter");
            Objects.requireNonNull(scanInterval, "scanInterval");
            Objects.requireNonNull(clock, "clock");
            if (tick.toMillis() < 1 || scanAfter.isNegative() || scanInterval.isNegative()) {
                throw new IllegalArgumentException("tick must be at least 1 ms, scan times not negative");
            }
        }

        /** The defaults: tick 100 ms, scan requests older than 300 ms at most every 400 ms, system clock. */
        public static Settings defaults(int maxInFlight) {
            return new Settings(maxInFlight, Duration.ofMillis(100), Duration.ofMillis(300), Duration.ofMillis(400),
                    true, InstantSource.system());
        }

        /** These settings with another tick. */
        public Settings withTick(Duration newTick) {
            return new Settings(maxInFlight, newTick, scanAfter, scanInterval, clientLiveness, clock);
        }

        /** These settings with other scan times. */
        public Settings withScan(Duration newScanAfter, Duration newScanInterval) {
            return new Settings(maxInFlight, tick, newScanAfter, newScanInterval, clientLiveness, clock);
        }

        /** These settings with client liveness on or off. */
        public Settings withClientLiveness(boolean on) {
            return new Settings(maxInFlight, tick, scanAfter, scanInterval, on, clock);
        }

        /** These settings with another clock. */
        public Settings withClock(InstantSource newClock) {
            return new Settings(maxInFlight, tick, scanAfter, scanInterval, clientLiveness, newClock);
        }
    }

    private final Settings settings;
    private final Set<InFlightRequest> registry = ConcurrentHashMap.newKeySet();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong admitted = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong cancelledClientGone = new AtomicLong();
    private final AtomicLong cancelledDeadline = new AtomicLong();
    private final Thread ticker;
    private volatile boolean stopped;
    private volatile boolean idle;

    // Touched only by the ticker thread (the stats fields are read by others).
    private volatile TcpTable table; // null when liveness is off
    private volatile long scans;
    private volatile long lastScanNanos;
    private volatile int lastScanRows;
    private long lastScanAt;
    private boolean confirmDue;
    private boolean warnedUnseen;
    private final BitSet localPorts = new BitSet(65536);
    private final BitSet remotePorts = new BitSet(65536);
    /** Which tables held the connections of (local port, client address family): only those are read again. */
    private final Map<Integer, Integer> tablesByPortAndFamily = new HashMap<>();

    private InFlightRequests(Settings settings, List<Path> tables) {
        this.settings = settings;
        if (settings.clientLiveness()) {
            List<Path> readable = TcpTable.readable(tables);
            if (readable.isEmpty() && !LOGGED_OFF.getAndSet(true)) {
                LOG.log(System.Logger.Level.INFO, "Client liveness detection is off: {0} cannot be read (not Linux?);"
                        + " requests of clients that hang up run until their deadline", tables);
            } else if (!readable.isEmpty()) {
                table = new TcpTable(readable);
            }
        }
        this.ticker = Thread.ofPlatform().daemon().name("heimdall-inflight-watchdog").unstarted(this::run);
    }

    /**
     * Starts a watchdog on this host's TCP tables.
     *
     * @param settings how it runs
     * @return the running watchdog; close it to stop its thread
     */
    public static InFlightRequests start(Settings settings) {
        return start(settings, TcpTable.LINUX);
    }

    static InFlightRequests start(Settings settings, List<Path> tables) {
        InFlightRequests w = new InFlightRequests(Objects.requireNonNull(settings, "settings"), tables);
        w.ticker.start();
        return w;
    }

    /**
     * Admits a request whose client connection is watched, unless {@link Settings#maxInFlight()} requests are already
     * registered.
     *
     * @param thread     the thread serving the request, interrupted on cancellation (a virtual thread)
     * @param deadline   when to cancel it with {@link CancelReason#DEADLINE}
     * @param connection the client's TCP connection, cancelled with {@link CancelReason#CLIENT_GONE} when it closes
     * @return the registration to close when the request ends, or empty when the cap is reached (answer 503)
     * @throws IllegalStateException if the watchdog was closed
     */
    public Optional<InFlightRequest> tryRegister(Thread thread, Instant deadline, ClientConnection connection) {
        return admit(thread, deadline, Optional.of(Objects.requireNonNull(connection, "connection")));
    }

    /**
     * Admits a request with no client connection to watch (only its deadline), unless the cap is reached.
     *
     * @param thread   the thread serving the request, interrupted on cancellation (a virtual thread)
     * @param deadline when to cancel it with {@link CancelReason#DEADLINE}
     * @return the registration to close when the request ends, or empty when the cap is reached (answer 503)
     * @throws IllegalStateException if the watchdog was closed
     */
    public Optional<InFlightRequest> tryRegister(Thread thread, Instant deadline) {
        return admit(thread, deadline, Optional.empty());
    }

    private Optional<InFlightRequest> admit(Thread thread, Instant deadline, Optional<ClientConnection> connection) {
        Objects.requireNonNull(thread, "thread");
        Objects.requireNonNull(deadline, "deadline");
        if (stopped) {
            throw new IllegalStateException("the in-flight watchdog is closed");
        }
        int n;
        do {
            n = inFlight.get();
            if (n >= settings.maxInFlight()) {
                rejected.incrementAndGet();
                return Optional.empty();
            }
        } while (!inFlight.compareAndSet(n, n + 1));
        admitted.incrementAndGet();
        InFlightRequest request = new InFlightRequest(this, thread, deadline, connection, System.nanoTime());
        registry.add(request);
        if (idle) {
            LockSupport.unpark(ticker);
        }
        return Optional.of(request);
    }

    void deregister(InFlightRequest request) {
        if (registry.remove(request)) {
            inFlight.decrementAndGet();
        }
    }

    /** Whether client connections are being watched (Linux with readable TCP tables, and not switched off). */
    public boolean clientLivenessAvailable() {
        return table != null;
    }

    /** The current counters. */
    public InFlightStats stats() {
        return new InFlightStats(inFlight.get(), settings.maxInFlight(), admitted.get(), rejected.get(),
                cancelledClientGone.get(), cancelledDeadline.get(), table != null, scans,
                Duration.ofNanos(lastScanNanos), lastScanRows);
    }

    Thread tickerThread() {
        return ticker;
    }

    /** Stops the watchdog thread. Registered requests are no longer cancelled; closing them still works. */
    @Override
    public void close() {
        stopped = true;
        LockSupport.unpark(ticker);
        try {
            ticker.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        long tickNanos = settings.tick().toNanos();
        while (!stopped) {
            idle = true;
            if (registry.isEmpty()) {
                LockSupport.park(this);
                idle = false;
                continue;
            }
            idle = false;
            try {
                tick();
            } catch (RuntimeException | Error e) {
                LOG.log(System.Logger.Level.WARNING, "In-flight watchdog tick failed", e);
            }
            LockSupport.parkNanos(this, tickNanos);
        }
    }

    private void tick() {
        Instant now = settings.clock().instant();
        long nowNanos = System.nanoTime();
        long scanAfterNanos = settings.scanAfter().toNanos();
        boolean scanWanted = false;
        for (InFlightRequest r : registry) {
            if (!r.active()) {
                continue;
            }
            if (!now.isBefore(r.deadline())) {
                cancel(r, CancelReason.DEADLINE);
            } else if (r.key() != null && nowNanos - r.registeredNanos() >= scanAfterNanos) {
                scanWanted = true;
            }
        }
        if (table != null && (scanWanted || confirmDue)) {
            long gap = Math.max(confirmDue ? settings.tick().toNanos() : settings.scanInterval().toNanos(),
                    lastScanNanos * SCAN_COST_FACTOR);
            if (scans == 0 || nowNanos - lastScanAt >= gap) {
                scan();
            }
        }
    }

    private void cancel(InFlightRequest r, CancelReason reason) {
        if (r.cancel(reason)) {
            (reason == CancelReason.DEADLINE ? cancelledDeadline : cancelledClientGone).incrementAndGet();
        }
    }

    /** What one scan learnt about one connection (several requests share one with HTTP/2). */
    private static final class Watched {
        final List<InFlightRequest> requests = new ArrayList<>(1);
        boolean alive;
        boolean closed;
    }

    private void scan() {
        Map<ConnKey, Watched> watched = new HashMap<>();
        localPorts.clear();
        remotePorts.clear();
        boolean readAll = confirmDue; // a connection went missing: look everywhere before calling it gone
        int mask = 0;
        for (InFlightRequest r : registry) {
            ConnKey key = r.key();
            if (key != null && r.active()) {
                watched.computeIfAbsent(key, k -> new Watched()).requests.add(r);
                localPorts.set(key.localPort());
                remotePorts.set(key.remotePort());
                Integer tables = tablesByPortAndFamily.get(key.portAndFamily());
                if (tables == null) {
                    readAll = true;
                } else {
                    mask |= tables;
                }
            }
        }
        confirmDue = false;
        if (watched.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        int rows;
        try {
            rows = table.scan(readAll ? table.allTables() : mask, localPorts, remotePorts,
                    (t, localPort, remotePort, high, low, state) -> {
                        ConnKey key = new ConnKey(localPort, remotePort, high, low);
                        Watched w = watched.get(key);
                        if (w != null) {
                            tablesByPortAndFamily.merge(key.portAndFamily(), 1 << t, (a, b) -> a | b);
                            if (TcpTable.peerClosed(state)) {
                                w.closed = true;
                            } else {
                                w.alive = true;
                            }
                        }
                    });
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.INFO, "Client liveness detection is off: reading {0} failed: {1}",
                    table.tables(), e.toString());
            table = null;
            return;
        }
        long end = System.nanoTime();
        lastScanAt = end;
        lastScanNanos = end - start;
        lastScanRows = rows;
        scans++;
        for (Watched w : watched.values()) {
            for (InFlightRequest r : w.requests) {
                judge(r, w);
            }
        }
    }

    private void judge(InFlightRequest r, Watched w) {
        if (w.alive) {
            r.seen = true;
            r.missingScans = 0;
        } else if (w.closed) {
            cancel(r, CancelReason.CLIENT_GONE);
        } else if (r.seen) {
            // Missing: reset by the client, or skipped by a read racing with the kernel's table; confirm next tick.
            if (++r.missingScans >= MISSING_SCANS_TO_GONE) {
                cancel(r, CancelReason.CLIENT_GONE);
            } else {
                confirmDue = true;
            }
        } else if (++r.unseenScans == UNSEEN_SCANS_TO_WARN && !warnedUnseen) {
            warnedUnseen = true;
            LOG.log(System.Logger.Level.INFO, "Client connection {0} of an in-flight request was not found in {1}:"
                    + " its liveness is not watched (reset before the first scan, or not the addresses of the server"
                    + " socket itself); logged once", r.connection().map(ClientConnection::toString).orElse("?"),
                    table.tables());
        }
    }
}
