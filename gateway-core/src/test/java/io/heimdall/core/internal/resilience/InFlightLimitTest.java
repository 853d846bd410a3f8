package io.heimdall.core.internal.resilience;

import io.heimdall.api.GatewayException;
import io.heimdall.api.model.GatewayError;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InFlightLimitTest {
    @Test
    void refusesAtOnceWith503WhenFull() {
        InFlightLimit limit = new InFlightLimit(2);
        Permit a = limit.acquire();
        Permit b = limit.acquire();
        GatewayError e = assertThrows(GatewayException.class, limit::acquire).error();
        assertEquals(503, e.status());
        assertEquals(Optional.of("gateway_overloaded"), e.code());
        assertEquals(Optional.of(Duration.ofSeconds(1)), e.retryAfter());
        assertEquals(Failure.OVERLOADED, Failure.classify(e));
        assertEquals(1, limit.rejected());
        a.close();
        a.close();
        Permit c = limit.acquire();
        assertThrows(GatewayException.class, limit::acquire, "closing twice released once");
        b.close();
        c.close();
        assertEquals(0, limit.active());
    }

    @Test
    void zeroMeansNoLimitAndUpdateKeepsTheCount() {
        InFlightLimit limit = new InFlightLimit(0);
        List<Permit> permits = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            permits.add(limit.acquire());
        }
        assertEquals(0, limit.max());
        limit.update(1_000);
        assertThrows(GatewayException.class, limit::acquire);
        permits.removeFirst().close();
        permits.add(limit.acquire());
        assertEquals(1_000, limit.active());
        assertThrows(IllegalArgumentException.class, () -> limit.update(-1));
    }

    @Test
    void concurrentRequestsNeverExceedTheCap() throws Exception {
        InFlightLimit limit = new InFlightLimit(8);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    try (Permit p = limit.acquire()) {
                        peak.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        Thread.yield();
                        inside.decrementAndGet();
                    } catch (GatewayException e) {
                        refused.incrementAndGet();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
        }
        assertTrue(peak.get() <= 8, "peak " + peak.get());
        assertEquals(refused.get(), limit.rejected());
        assertEquals(0, limit.active());
    }
}
