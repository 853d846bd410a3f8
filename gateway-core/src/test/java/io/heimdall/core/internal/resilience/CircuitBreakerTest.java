package io.heimdall.core.internal.resilience;

import io.heimdall.core.internal.resilience.CircuitBreaker.State;
import io.heimdall.core.internal.resilience.CircuitBreaker.Transition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CircuitBreakerTest {
    private final FakeTime time = new FakeTime();
    private final List<Transition> transitions = new CopyOnWriteArrayList<>();

    private CircuitBreaker breaker(BreakerSettings settings) {
        return new CircuitBreaker("p[k]", settings, time, transitions::add);
    }

    /** Opens after 3 failures in a row; rate rule off; open 10 s doubling up to 40 s; 2 probes. */
    private static BreakerSettings consecutive(int probes) {
        return new BreakerSettings(true, 3, 0, Duration.ofSeconds(60), 1, Duration.ofSeconds(10), probes,
                Duration.ofSeconds(40));
    }

    private List<String> path() {
        List<String> out = new ArrayList<>();
        for (Transition t : transitions) {
            out.add(t.from() + ">" + t.to());
        }
        return out;
    }

    private static void fail(CircuitBreaker b, int times) {
        for (int i = 0; i < times; i++) {
            assertTrue(b.tryAcquire());
            b.onFailure();
        }
    }

    @Test
    void opensAfterConsecutiveFailuresAndASuccessResetsTheCount() {
        CircuitBreaker b = breaker(consecutive(1));
        fail(b, 2);
        b.onSuccess();
        assertEquals(0, b.consecutiveFailures());
        fail(b, 2);
        assertEquals(State.CLOSED, b.state());
        fail(b, 1);
        assertEquals(State.OPEN, b.state());
        assertFalse(b.tryAcquire());
        assertEquals(List.of("CLOSED>OPEN"), path());
        assertEquals("3 consecutive failures", transitions.getFirst().reason());
        assertEquals(Duration.ofSeconds(10), transitions.getFirst().openFor());
        assertEquals("p[k]", transitions.getFirst().name());
    }

    @Test
    void staysOpenForTheOpenPeriodThenAdmitsProbes() {
        CircuitBreaker b = breaker(consecutive(1));
        fail(b, 3);
        time.advance(Duration.ofMillis(9_999));
        assertFalse(b.tryAcquire());
        assertEquals(Optional.of(Duration.ofMillis(1)), b.retryIn());
        time.advanceMillis(1);
        assertEquals(State.HALF_OPEN, b.state());
        assertEquals(Optional.empty(), b.retryIn());
        assertTrue(b.tryAcquire(), "the probe");
        assertFalse(b.tryAcquire(), "only one probe at a time");
        b.onSuccess();
        assertEquals(State.CLOSED, b.state());
        assertTrue(b.tryAcquire());
        assertEquals(List.of("CLOSED>OPEN", "OPEN>HALF_OPEN", "HALF_OPEN>CLOSED"), path());
    }

    @Test
    void aFailedProbeReopensWithADoublingPeriodUpToTheCapAndClosingResetsIt() {
        CircuitBreaker b = breaker(consecutive(1));
        fail(b, 3);
        long[] periods = {10, 20, 40, 40};
        for (long seconds : periods) {
            assertEquals(State.OPEN, b.state());
            time.advance(Duration.ofSeconds(seconds).minusMillis(1));
            assertFalse(b.tryAcquire(), "still open within " + seconds + " s");
            time.advanceMillis(1);
            assertTrue(b.tryAcquire(), "probe after " + seconds + " s");
            b.onFailure();
        }
        time.advance(Duration.ofSeconds(40));
        assertTrue(b.tryAcquire());
        b.onSuccess();
        assertEquals(State.CLOSED, b.state());
        fail(b, 3);
        assertEquals(Optional.of(Duration.ofSeconds(10)), b.retryIn(), "back to open-for after closing");
        List<Duration> opened = transitions.stream().filter(t -> t.to() == State.OPEN).map(Transition::openFor)
                .toList();
        assertEquals(List.of(10L, 20L, 40L, 40L, 40L, 10L),
                opened.stream().map(Duration::toSeconds).toList());
    }

    @Test
    void halfOpenAdmitsAtMostTheProbeCountAndNeutralResultsFreeSlots() {
        CircuitBreaker b = breaker(consecutive(2));
        fail(b, 3);
        time.advance(Duration.ofSeconds(10));
        assertTrue(b.tryAcquire());
        assertTrue(b.tryAcquire());
        assertFalse(b.tryAcquire());
        b.onNeutral();
        assertEquals(State.HALF_OPEN, b.state(), "a neutral result decides nothing");
        assertEquals(1, b.probesInFlight());
        assertTrue(b.tryAcquire(), "the freed slot");
        assertFalse(b.tryAcquire());
        b.onFailure();
        assertEquals(State.OPEN, b.state(), "one failed probe reopens");
        b.onSuccess();
        assertEquals(State.OPEN, b.state(), "results while open are ignored");
        b.onNeutral();
        assertEquals(0, b.probesInFlight());
    }

    @Test
    void opensOnTheErrorRateOnlyWithEnoughCallsInTheWindow() {
        CircuitBreaker b = breaker(new BreakerSettings(true, 0, 0.5, Duration.ofSeconds(10), 10,
                Duration.ofSeconds(5), 1));
        for (int i = 0; i < 9; i++) {
            b.onFailure();
        }
        assertEquals(State.CLOSED, b.state(), "9 failures of 9 calls: below min-requests");
        assertEquals(9, b.windowCalls());
        b.onSuccess();
        b.onSuccess();
        b.onFailure();
        assertEquals(State.OPEN, b.state(), "10 failures of 12 calls");
        assertTrue(transitions.getFirst().reason().startsWith("error rate 83% of 12 calls"),
                transitions.getFirst().reason());
    }

    @Test
    void theErrorRateThresholdIsInclusive() {
        CircuitBreaker b = breaker(new BreakerSettings(true, 0, 0.5, Duration.ofSeconds(10), 4,
                Duration.ofSeconds(5), 1));
        b.onSuccess();
        b.onFailure();
        b.onSuccess();
        assertEquals(State.CLOSED, b.state());
        b.onFailure();
        assertEquals(State.OPEN, b.state(), "2 of 4 = 50 %");
    }

    @Test
    void callsOlderThanTheWindowNoLongerCount() {
        CircuitBreaker b = breaker(new BreakerSettings(true, 0, 0.5, Duration.ofSeconds(10), 4,
                Duration.ofSeconds(5), 1));
        b.onFailure();
        b.onFailure();
        b.onFailure();
        b.onSuccess();
        b.onSuccess();
        b.onSuccess();
        b.onSuccess();
        assertEquals(7, b.windowCalls());
        time.advance(Duration.ofSeconds(11));
        assertEquals(0, b.windowCalls(), "everything slid out");
        assertEquals(0, b.windowErrorRate());
        b.onSuccess();
        b.onSuccess();
        b.onFailure();
        assertEquals(State.CLOSED, b.state(), "1 of 3 now; min-requests not reached");
        b.onFailure();
        assertEquals(State.OPEN, b.state(), "2 of 4");
    }

    @Test
    void theWindowSlidesBucketByBucket() {
        CircuitBreaker b = breaker(new BreakerSettings(true, 0, 0.9, Duration.ofSeconds(10), 100,
                Duration.ofSeconds(5), 1));
        for (int second = 0; second < 10; second++) {
            b.onSuccess();
            time.advance(Duration.ofSeconds(1));
        }
        // Buckets are 1 s: at t = 10 s the call of t = 0 has left, the nine later ones remain.
        assertEquals(9, b.windowCalls());
        time.advance(Duration.ofSeconds(5));
        assertEquals(4, b.windowCalls());
    }

    @Test
    void closingForgetsTheWindow() {
        CircuitBreaker b = breaker(new BreakerSettings(true, 0, 0.5, Duration.ofSeconds(60), 2,
                Duration.ofSeconds(5), 1));
        b.onFailure();
        b.onFailure();
        assertEquals(State.OPEN, b.state());
        time.advance(Duration.ofSeconds(5));
        assertTrue(b.tryAcquire());
        b.onSuccess();
        assertEquals(State.CLOSED, b.state());
        assertEquals(0, b.windowCalls());
        b.onFailure();
        assertEquals(State.CLOSED, b.state(), "the old failures do not reopen it");
    }

    @Test
    void aDisabledBreakerAlwaysAdmitsAndNeverOpens() {
        CircuitBreaker b = breaker(BreakerSettings.DISABLED);
        for (int i = 0; i < 100; i++) {
            assertTrue(b.tryAcquire());
            b.onFailure();
        }
        assertEquals(State.CLOSED, b.state());
        assertEquals(100, b.consecutiveFailures());
        assertEquals(Optional.empty(), b.retryIn());
        assertTrue(transitions.isEmpty());
    }

    @Test
    void aListenerThatThrowsDoesNotBreakTheCaller() {
        CircuitBreaker b = new CircuitBreaker("x", consecutive(1), time, t -> {
            throw new IllegalStateException("boom");
        });
        fail(b, 3);
        assertEquals(State.OPEN, b.state());
    }

    @Test
    void concurrentCallersGetExactlyTheProbeSlots() throws Exception {
        CircuitBreaker b = breaker(consecutive(3));
        fail(b, 3);
        time.advance(Duration.ofSeconds(10));
        int threads = 64;
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger admitted = new AtomicInteger();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    if (b.tryAcquire()) {
                        admitted.incrementAndGet();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(10, TimeUnit.SECONDS);
            }
        }
        assertEquals(3, admitted.get());
        assertEquals(List.of("CLOSED>OPEN", "OPEN>HALF_OPEN"), path(), "one transition, however many callers");
    }

    @Test
    void concurrentFailuresOpenTheBreakerOnce() throws Exception {
        CircuitBreaker b = breaker(consecutive(1));
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    b.onFailure();
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(10, TimeUnit.SECONDS);
            }
        }
        assertEquals(State.OPEN, b.state());
        assertEquals(List.of("CLOSED>OPEN"), path());
        assertEquals(200, b.consecutiveFailures());
    }

    @Test
    void settingsAreValidated() {
        BreakerSettings s = new BreakerSettings(true, 5, 0.5, Duration.ofSeconds(30), 20, Duration.ofSeconds(30), 1);
        assertEquals(Duration.ofSeconds(240), s.maxOpenFor());
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new BreakerSettings(true, 5, 1.5, Duration.ofSeconds(30), 20, Duration.ofSeconds(30), 1))
                .getMessage().contains("routing.circuit-breaker.error-rate"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new BreakerSettings(true, 5, 0.5, Duration.ZERO, 20, Duration.ofSeconds(30), 1));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new BreakerSettings(true, 5, 0.5, Duration.ofSeconds(1), 20, Duration.ofSeconds(30), 0));
    }
}
