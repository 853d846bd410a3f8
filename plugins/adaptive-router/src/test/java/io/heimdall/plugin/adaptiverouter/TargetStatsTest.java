package io.heimdall.plugin.adaptiverouter;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The time-decayed averages, with the time given explicitly. */
class TargetStatsTest {
    private static final long H = 30_000_000_000L; // the half-life: 30 s in ns

    private static TargetStats stats() {
        return new TargetStats("a", "x", "a#0", H);
    }

    @Test
    void emptyUntilTheFirstSample() {
        TargetStats s = stats();
        assertTrue(s.state().latency().isEmpty());
        assertTrue(s.state().errorRate().isEmpty());
        assertEquals(0, s.state().samples());
        s.record(0.2, false, 123);
        assertEquals(0.2, s.state().latency().getAsDouble(), 1e-12);
        assertEquals(0.0, s.state().errorRate().getAsDouble());
        assertEquals(1, s.state().samples());
    }

    @Test
    void samplesAtTheSameInstantWeighTheSame() {
        TargetStats s = stats();
        s.record(0.1, false, 5);
        s.record(0.2, false, 5);
        s.record(0.6, false, 5);
        assertEquals(0.3, s.state().latency().getAsDouble(), 1e-12, "a plain mean: no per-sample decay");
    }

    @Test
    void aSampleOneHalfLifeOldWeighsHalf() {
        TargetStats s = stats();
        s.record(0.1, false, 0);
        s.record(0.2, false, H);
        // (0.1 × 1/2 + 0.2 × 1) / (1/2 + 1)
        assertEquals((0.05 + 0.2) / 1.5, s.state().latency().getAsDouble(), 1e-12);
        s.record(0.2, false, 3 * H);
        // (0.1 × 1/8 + 0.2 × 1/4 + 0.2) / (1/8 + 1/4 + 1)
        assertEquals((0.0125 + 0.05 + 0.2) / 1.375, s.state().latency().getAsDouble(), 1e-12);
    }

    @Test
    void decayDependsOnElapsedTimeNotOnTheNumberOfSamples() {
        TargetStats s = stats();
        for (int i = 0; i < 1000; i++) {
            s.record(0.1, false, 0);
        }
        s.record(1.0, false, 20 * H);
        // 1000 old samples weigh 1000 × 2^-20 ≈ 0.001 against the new one's 1: the new one dominates
        double old = 1000 * Math.pow(2, -20);
        assertEquals((0.1 * old + 1.0) / (old + 1), s.state().latency().getAsDouble(), 1e-9);
        assertTrue(s.state().latency().getAsDouble() > 0.99);
        assertEquals(1001, s.state().samples(), "the sample count itself does not decay");
    }

    @Test
    void errorRateCountsFailuresAndDecays() {
        TargetStats s = stats();
        for (int i = 0; i < 5; i++) {
            s.record(Double.NaN, true, 0);
        }
        assertEquals(1.0, s.state().errorRate().getAsDouble());
        assertTrue(s.state().latency().isEmpty(), "failures add no latency sample");
        s.record(0.05, false, 3 * H);
        // 5 failures at 1/8 weight against one success
        assertEquals(0.625 / 1.625, s.state().errorRate().getAsDouble(), 1e-12);
        assertEquals(0.05, s.state().latency().getAsDouble(), 1e-12);
    }

    @Test
    void aTimeEarlierThanTheLastUpdateDoesNotDecayOrGoBack() {
        TargetStats s = stats();
        s.record(0.1, false, H);
        s.record(0.3, false, 0); // a racing thread that read the clock before the other's update
        assertEquals(0.2, s.state().latency().getAsDouble(), 1e-12);
        assertEquals(H, s.state().at());
    }

    @Test
    void concurrentRecordsAreAllCounted() throws Exception {
        TargetStats s = stats();
        int threads = 4;
        int each = 20_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            boolean failing = t % 2 == 0;
            workers.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                for (int i = 0; i < each; i++) {
                    s.record(failing ? Double.NaN : 0.01, failing, 42);
                }
            }));
        }
        start.countDown();
        for (Thread w : workers) {
            w.join();
        }
        assertEquals((long) threads * each, s.state().samples());
        assertEquals(0.5, s.state().errorRate().getAsDouble(), 1e-12, "no lost update");
        assertEquals(0.01, s.state().latency().getAsDouble(), 1e-12);
    }
}
