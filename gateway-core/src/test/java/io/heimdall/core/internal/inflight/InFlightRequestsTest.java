package io.heimdall.core.internal.inflight;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class InFlightRequestsTest {
    private InFlightRequests watchdog;

    @AfterEach
    void stop() {
        if (watchdog != null) {
            watchdog.close();
        }
        Thread.interrupted(); // never leak an interrupt into the next test
    }

    private static Instant in(Duration d) {
        return Instant.now().plus(d);
    }

    @Test
    void aRequestPastItsDeadlineIsCancelledAndItsSleepingThreadReleased() throws Exception {
        watchdog = InFlightRequests.start(InFlightRequests.Settings.defaults(10));
        AtomicReference<Throwable> seen = new AtomicReference<>();
        AtomicReference<Optional<CancelReason>> reason = new AtomicReference<>();
        AtomicReference<Boolean> interruptedAfterClose = new AtomicReference<>();
        AtomicReference<Duration> blocked = new AtomicReference<>();
        Thread t = Thread.ofVirtual().start(() -> {
            Instant deadline = in(Duration.ofMillis(300));
            InFlightRequest r = watchdog.tryRegister(Thread.currentThread(), deadline).orElseThrow();
            try (r) {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                seen.set(e);
            }
            blocked.set(Duration.between(deadline, Instant.now()));
            reason.set(r.cancelled());
            interruptedAfterClose.set(Thread.currentThread().isInterrupted());
        });
        t.join(Duration.ofSeconds(5));
        assertFalse(t.isAlive(), "not released");
        assertFalse(blocked.get().isNegative(), "cancelled " + blocked.get() + " before its deadline");
        assertInstanceOf(InterruptedException.class, seen.get());
        assertEquals(Optional.of(CancelReason.DEADLINE), reason.get());
        assertFalse(interruptedAfterClose.get());
        InFlightStats stats = watchdog.stats();
        assertEquals(1, stats.cancelledDeadline());
        assertEquals(1, stats.cancelled(CancelReason.DEADLINE));
        assertEquals(0, stats.cancelledClientGone());
        assertEquals(0, stats.inFlight());
    }

    @Test
    void aRequestThatEndsBeforeItsDeadlineIsLeftAlone() throws Exception {
        watchdog = InFlightRequests.start(InFlightRequests.Settings.defaults(10).withTick(Duration.ofMillis(10)));
        InFlightRequest r = watchdog.tryRegister(Thread.currentThread(), in(Duration.ofSeconds(30))).orElseThrow();
        Thread.sleep(200); // twenty ticks
        assertEquals(Optional.empty(), r.cancelled());
        r.close();
        r.close(); // idempotent
        assertEquals(0, watchdog.stats().inFlight());
        assertEquals(1, watchdog.stats().admitted());
        assertFalse(Thread.currentThread().isInterrupted());
    }

    @Test
    void closeClearsAnInterruptTheWatchdogLeftPending() {
        watchdog = InFlightRequests.start(InFlightRequests.Settings.defaults(10));
        InFlightRequest r = watchdog.tryRegister(Thread.currentThread(), in(Duration.ofMinutes(1))).orElseThrow();
        assertTrue(r.cancel(CancelReason.CLIENT_GONE));
        assertFalse(r.cancel(CancelReason.DEADLINE), "cancelled at most once");
        assertTrue(Thread.currentThread().isInterrupted(), "cancellation interrupts the registered thread");
        r.close();
        assertFalse(Thread.currentThread().isInterrupted());
        assertEquals(Optional.of(CancelReason.CLIENT_GONE), r.cancelled(), "the reason outlives close()");
    }

    @Test
    void theCapRefusesRequestsBeyondMaxInFlightUntilOneCloses() {
        watchdog = InFlightRequests.start(InFlightRequests.Settings.defaults(3));
        Instant later = in(Duration.ofMinutes(1));
        List<InFlightRequest> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(watchdog.tryRegister(Thread.currentThread(), later).orElseThrow());
        }
        assertEquals(Optional.empty(), watchdog.tryRegister(Thread.currentThread(), later));
        assertEquals(Optional.empty(), watchdog.tryRegister(Thread.currentThread(), later,
                new ClientConnection(8080, Loopback.LOCALHOST, 40000)));
        InFlightStats stats = watchdog.stats();
        assertEquals(3, stats.inFlight());
        assertEquals(3, stats.maxInFlight());
        assertEquals(2, stats.rejected());
        held.removeFirst().close();
        held.add(watchdog.tryRegister(Thread.currentThread(), later).orElseThrow());
        held.forEach(InFlightRequest::close);
        assertEquals(0, watchdog.stats().inFlight());
        assertEquals(4, watchdog.stats().admitted());
    }

    @Test
    void theCapHoldsUnderConcurrentAdmission() throws Exception {
        int cap = 5;
        watchdog = InFlightRequests.start(InFlightRequests.Settings.defaults(cap));
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                for (int k = 0; k < 2_000; k++) {
                    Optional<InFlightRequest> r =
                            watchdog.tryRegister(Thread.currentThread(), in(Duration.ofMinutes(1)));
                    if (r.isPresent()) {
                        most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        Thread.yield();
                        inside.decrementAndGet();
                        r.get().close();
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertTrue(most.get() <= cap, "in flight at once: " + most.get());
        InFlightStats stats = watchdog.stats();
        assertEquals(0, stats.inFlight());
        assertEquals(16 * 2_000, stats.admitted() + stats.rejected());
    }

    /**
     * The race of (d): the request closes exactly while the watchdog cancels it. Whoever wins, once close() has
     * returned the thread is not interrupted, and stays so after the canceller is done.
     */
    @Test
    void aRequestClosingWhileItIsCancelledIsNeverLeftInterrupted() throws Exception {
        watchdog = InFlightRequests.start(InFlightRequests.Settings.defaults(10));
        AtomicReference<InFlightRequest> slot = new AtomicReference<>();
        AtomicInteger taken = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        AtomicInteger cancelWon = new AtomicInteger();
        int rounds = 3_000;
        Thread canceller = Thread.ofPlatform().daemon().start(() -> {
            for (int i = 0; i < rounds; i++) {
                InFlightRequest r;
                while ((r = slot.getAndSet(null)) == null) {
                    pause();
                }
                taken.incrementAndGet(); // both threads leave their waits together, then race
                if (i % 3 == 0) {
                    LockSupport.parkNanos(500_000); // let close() win
                } else {
                    spin(ThreadLocalRandom.current().nextInt(64));
                }
                if (r.cancel(CancelReason.DEADLINE)) {
                    cancelWon.incrementAndGet();
                }
                done.incrementAndGet();
            }
        });
        int closeWon = 0;
        for (int i = 0; i < rounds; i++) {
            InFlightRequest r = watchdog.tryRegister(Thread.currentThread(), in(Duration.ofMinutes(1))).orElseThrow();
            slot.set(r);
            for (int k = 0; taken.get() <= i; k++) {
                if (i % 3 != 2 || k > 10_000) {
                    pause();
                } else {
                    Thread.onSpinWait(); // closely aligned with the canceller
                }
            }
            if (i % 3 == 1) {
                busy(Duration.ofNanos(500_000)); // let cancel() win; the remaining third is a genuine race
            } else {
                spin(ThreadLocalRandom.current().nextInt(64));
            }
            r.close();
            assertFalse(Thread.currentThread().isInterrupted(), "interrupted right after close, round " + i);
            while (done.get() <= i) {
                pause();
            }
            assertFalse(Thread.currentThread().isInterrupted(), "interrupted after the canceller ran, round " + i);
            if (r.cancelled().isEmpty()) {
                closeWon++;
            }
        }
        canceller.join();
        System.out.println("[inflight] close/cancel race: close won " + closeWon + ", cancel won " + cancelWon.get());
        assertEquals(rounds, closeWon + cancelWon.get());
        assertTrue(closeWon > 0 && cancelWon.get() > 0, "the race was not exercised: close won " + closeWon
                + ", cancel won " + cancelWon.get());
        assertEquals(0, watchdog.stats().inFlight());
    }

    /** The same race driven by the real ticker: deadlines of 0-3 ms against work of 0-3 ms, a 1 ms tick. */
    @Test
    void requestsEndingAroundTheirDeadlineNeverLeaveTheThreadInterrupted() throws Exception {
        watchdog = InFlightRequests.start(InFlightRequests.Settings.defaults(10).withTick(Duration.ofMillis(1)));
        int cancelled = 0;
        int completed = 0;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < 1_000; i++) {
            InFlightRequest r = watchdog.tryRegister(Thread.currentThread(),
                    Instant.now().plusNanos(random.nextLong(3_000_000))).orElseThrow();
            busy(Duration.ofNanos(random.nextLong(i % 20 == 0 ? 30_000_000 : 3_000_000)));
            r.close();
            assertFalse(Thread.currentThread().isInterrupted(), "interrupted after close, round " + i);
            if (r.cancelled().isPresent()) {
                cancelled++;
            } else {
                completed++;
            }
        }
        Thread.sleep(50);
        assertFalse(Thread.currentThread().isInterrupted());
        System.out.println("[inflight] ticker race: cancelled " + cancelled + ", completed " + completed);
        assertTrue(cancelled > 0 && completed > 0, "cancelled " + cancelled + ", completed " + completed);
        assertEquals(cancelled, watchdog.stats().cancelledDeadline());
    }

    @Test
    void withoutReadableTcpTablesLivenessIsOffAndDeadlinesStillWork() throws Exception {
        watchdog = InFlightRequests.start(InFlightRequests.Settings.defaults(10),
                List.of(Path.of("/nonexistent/proc/net/tcp")));
        assertFalse(watchdog.clientLivenessAvailable());
        assertFalse(watchdog.stats().clientLivenessAvailable());
        AtomicReference<Optional<CancelReason>> reason = new AtomicReference<>();
        Thread t = Thread.ofVirtual().start(() -> {
            InFlightRequest r = watchdog.tryRegister(Thread.currentThread(), in(Duration.ofMillis(100)),
                    new ClientConnection(8080, Loopback.LOCALHOST, 40000)).orElseThrow();
            try (r) {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                reason.set(r.cancelled());
            }
        });
        t.join(Duration.ofSeconds(5));
        assertFalse(t.isAlive());
        assertEquals(Optional.of(CancelReason.DEADLINE), reason.get());
        assertEquals(0, watchdog.stats().scans());
    }

    @Test
    void theTickerParksWhenNothingIsInFlight() throws Exception {
        watchdog = InFlightRequests.start(InFlightRequests.Settings.defaults(10).withTick(Duration.ofMillis(10)));
        Thread ticker = watchdog.tickerThread();
        Thread idleRequest = Thread.ofVirtual().unstarted(() -> { });
        InFlightRequest r = watchdog.tryRegister(idleRequest, in(Duration.ofMinutes(1))).orElseThrow();
        assertTrue(Loopback.await(Duration.ofSeconds(2), () -> ticker.getState() == Thread.State.TIMED_WAITING));
        r.close();
        assertTrue(Loopback.await(Duration.ofSeconds(2), () -> ticker.getState() == Thread.State.WAITING),
                "ticking while idle: " + ticker.getState());
        // and wakes up for the next request
        InFlightRequest late = watchdog.tryRegister(idleRequest, in(Duration.ofMillis(50))).orElseThrow();
        assertTrue(Loopback.await(Duration.ofSeconds(2), () -> late.cancelled().isPresent()));
        late.close();
    }

    @Test
    void aClosedWatchdogRefusesRegistrationsAndInvalidSettingsAreRefused() {
        watchdog = InFlightRequests.start(InFlightRequests.Settings.defaults(1));
        watchdog.close();
        assertThrows(IllegalStateException.class,
                () -> watchdog.tryRegister(Thread.currentThread(), Instant.now()));
        assertThrows(IllegalArgumentException.class, () -> InFlightRequests.Settings.defaults(0));
        assertThrows(IllegalArgumentException.class,
                () -> InFlightRequests.Settings.defaults(1).withTick(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new ClientConnection(0, Loopback.LOCALHOST, 1));
    }

    /** Waits a moment without blocking (a blocking wait would consume an interrupt the test is looking for). */
    private static void pause() {
        for (int i = 0; i < 50; i++) {
            Thread.onSpinWait();
        }
        Thread.yield();
    }

    private static void busy(Duration d) {
        long end = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    private static void spin(int n) {
        for (int i = 0; i < n; i++) {
            Thread.onSpinWait();
        }
    }
}
