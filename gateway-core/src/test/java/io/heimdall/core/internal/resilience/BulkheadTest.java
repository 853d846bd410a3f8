package io.heimdall.core.internal.resilience;

import io.heimdall.api.GatewayException;
import io.heimdall.api.model.GatewayError;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BulkheadTest {
    private static final Duration LONG = Duration.ofSeconds(30);

    private static Bulkhead bulkhead(int max, int queue, Duration timeout) {
        return new Bulkhead("p", new BulkheadSettings(max, queue, timeout));
    }

    private static Deadline later() {
        return Deadline.after(LONG);
    }

    private static Deadline expired() {
        return Deadline.after(Duration.ZERO);
    }

    /** Waits (bounded) until the condition holds. */
    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(1);
        }
    }

    private static GatewayError refused(Bulkhead b, Deadline d) {
        return assertThrows(GatewayException.class, () -> b.acquire(d)).error();
    }

    @Test
    void admitsUpToTheLimitThenRefusesWith503AndRetryAfter() {
        Bulkhead b = bulkhead(2, 0, Duration.ofMillis(1500));
        Permit one = b.acquire(later());
        Permit two = b.acquire(later());
        assertEquals(2, b.active());
        GatewayError e = refused(b, later());
        assertEquals(503, e.status());
        assertEquals(GatewayError.API_ERROR, e.type());
        assertEquals(Optional.of("provider_overloaded"), e.code());
        assertEquals(Optional.of(Duration.ofSeconds(2)), e.retryAfter());
        assertTrue(e.message().contains("Provider 'p' is at its concurrency limit"), e.message());
        assertEquals(Failure.OVERLOADED, Failure.classify(e));
        assertEquals(1, b.rejected());
        one.close();
        b.acquire(later()).close();
        two.close();
        assertEquals(0, b.active());
    }

    @Test
    void aWallClockDeadlineWorksToo() {
        Bulkhead b = bulkhead(1, 1, LONG);
        Permit p = b.acquire(java.time.Instant.now().plusSeconds(30));
        GatewayError e = refused(b, Deadline.at(java.time.Instant.now().minusSeconds(1)));
        assertEquals(504, e.status());
        assertEquals(504, assertThrows(GatewayException.class,
                () -> b.acquire(java.time.Instant.now().minusSeconds(1))).error().status());
        p.close();
    }

    @Test
    void closingAPermitTwiceReleasesOnce() {
        Bulkhead b = bulkhead(1, 1, LONG);
        Permit p = b.acquire(later());
        p.close();
        p.close();
        Permit q = b.acquire(later());
        assertEquals(504, refused(b, expired()).status(), "still only one slot");
        q.close();
    }

    @Test
    void waitersAreServedFirstComeFirstServed() throws Exception {
        Bulkhead b = bulkhead(1, 10, LONG);
        Permit held = b.acquire(later());
        List<Integer> order = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            int id = i;
            threads.add(Thread.ofVirtual().start(() -> {
                try (Permit p = b.acquire(later())) {
                    order.add(id);
                }
            }));
            await(() -> b.parked() == id + 1, "waiter " + id + " in line");
        }
        assertEquals(6, b.queued());
        held.close();
        for (Thread t : threads) {
            assertTrue(t.join(Duration.ofSeconds(10)));
        }
        assertEquals(List.of(0, 1, 2, 3, 4, 5), order);
        assertEquals(0, b.active());
        assertEquals(0, b.queued());
    }

    @Test
    void aFreeSlotGoesToTheLineBeforeANewcomer() throws Exception {
        Bulkhead b = bulkhead(1, 10, LONG);
        Permit held = b.acquire(later());
        CountDownLatch waiterHasIt = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        Thread waiter = Thread.ofVirtual().start(() -> {
            try (Permit p = b.acquire(later())) {
                waiterHasIt.countDown();
                done.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        await(() -> b.parked() == 1, "the waiter in line");
        held.close();
        // Whether or not the waiter has woken yet, the freed slot is its own: a fair line has no barging.
        assertEquals(504, refused(b, expired()).status(), "the newcomer does not barge in");
        assertTrue(waiterHasIt.await(10, TimeUnit.SECONDS));
        done.countDown();
        assertTrue(waiter.join(Duration.ofSeconds(10)));
    }

    @Test
    void aFullQueueRefusesAtOnce() throws Exception {
        Bulkhead b = bulkhead(1, 1, LONG);
        Permit held = b.acquire(later());
        Thread waiter = Thread.ofVirtual().start(() -> b.acquire(later()).close());
        await(() -> b.parked() == 1, "the waiter in line");
        GatewayError e = refused(b, later());
        assertEquals(503, e.status());
        assertTrue(e.message().contains("1 requests are already waiting"), e.message());
        held.close();
        assertTrue(waiter.join(Duration.ofSeconds(10)));
        assertEquals(1, b.rejected());
    }

    @Test
    void aWaitEndsAtTheQueueTimeoutWith503() {
        Bulkhead b = bulkhead(1, 1, Duration.ofMillis(100));
        Permit held = b.acquire(later());
        GatewayError e = refused(b, later());
        assertEquals(503, e.status());
        assertEquals(Optional.of("provider_overloaded"), e.code());
        assertTrue(e.message().contains("no slot became free within 100ms"), e.message());
        assertEquals(Optional.of(Duration.ofSeconds(1)), e.retryAfter());
        assertEquals(0, b.queued());
        held.close();
    }

    @Test
    void aWaitEndsAtTheDeadlineWith504WhenItComesFirst() {
        Bulkhead b = bulkhead(1, 1, LONG);
        Permit held = b.acquire(later());
        GatewayError e = refused(b, Deadline.after(Duration.ofMillis(100)));
        assertEquals(504, e.status());
        assertEquals(Optional.of("request_timeout"), e.code());
        assertTrue(e.message().contains("while waiting for provider 'p' to have capacity"), e.message());
        held.close();
    }

    @Test
    void anInterruptedWaiterLeavesAtOnceAndLeaksNoSlot() throws Exception {
        Bulkhead b = bulkhead(1, 5, LONG);
        Permit held = b.acquire(later());
        AtomicReference<GatewayException> failure = new AtomicReference<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                b.acquire(later()).close();
            } catch (GatewayException e) {
                failure.set(e);
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            }
        });
        await(() -> b.parked() == 1, "the waiter in line");
        waiter.interrupt();
        assertTrue(waiter.join(Duration.ofSeconds(10)), "left the line at once, not after the queue timeout");
        assertEquals(499, failure.get().error().status());
        assertEquals(Failure.CLIENT_CLOSED, Failure.classify(failure.get().error()));
        assertTrue(stillInterrupted.get(), "the interrupt flag is kept");
        assertEquals(0, b.queued());
        assertEquals(0, b.parked());
        assertEquals(1, b.active());
        held.close();
        assertEquals(0, b.active());
        Permit again = b.acquire(expired());
        assertEquals(504, refused(b, expired()).status(), "exactly one slot, none leaked or gained");
        again.close();
    }

    @Test
    void anAlreadyInterruptedCallerIsRefusedWith499() throws Exception {
        Bulkhead b = bulkhead(1, 5, LONG);
        AtomicInteger status = new AtomicInteger();
        Thread t = Thread.ofVirtual().unstarted(() -> {
            Thread.currentThread().interrupt();
            try {
                b.acquire(later()).close();
            } catch (GatewayException e) {
                status.set(e.error().status());
            }
        });
        t.start();
        assertTrue(t.join(Duration.ofSeconds(10)));
        assertEquals(499, status.get());
        assertEquals(0, b.active());
    }

    @Test
    void manyVirtualThreadsNeverExceedTheLimit() throws Exception {
        Bulkhead b = bulkhead(4, 1_000, LONG);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    try (Permit p = b.acquire(later())) {
                        int n = inside.incrementAndGet();
                        peak.accumulateAndGet(n, Math::max);
                        Thread.sleep(1);
                        inside.decrementAndGet();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
        }
        assertTrue(peak.get() <= 4 && peak.get() >= 1, "peak " + peak.get());
        assertEquals(0, b.active());
        assertEquals(0, b.queued());
        assertEquals(0, b.rejected());
    }

    @Test
    void updateResizesInPlaceKeepingSlotsInFlight() throws Exception {
        Bulkhead b = bulkhead(3, 1, LONG);
        Permit p1 = b.acquire(later());
        Permit p2 = b.acquire(later());
        Permit p3 = b.acquire(later());
        b.update(new BulkheadSettings(1, 1, LONG));
        p1.close();
        assertEquals(2, b.active());
        assertEquals(504, refused(b, expired()).status(), "2 in flight, limit 1");
        p2.close();
        p3.close();
        Permit only = b.acquire(expired());
        assertEquals(504, refused(b, expired()).status());

        Thread waiter = Thread.ofVirtual().start(() -> b.acquire(later()).close());
        await(() -> b.parked() == 1, "the waiter in line");
        b.update(new BulkheadSettings(2, 1, LONG));
        assertTrue(waiter.join(Duration.ofSeconds(10)), "growing the limit lets the waiter in");
        Permit second = b.acquire(expired());
        assertEquals(2, b.active());
        only.close();
        second.close();
        assertEquals(new BulkheadSnapshot("p", 0, 0, 2, 2, 1), b.snapshot());
    }

    @Test
    void unlimitedAdmitsEverythingAndCanBeLimitedLater() {
        Bulkhead b = new Bulkhead("p", BulkheadSettings.UNLIMITED);
        List<Permit> permits = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            permits.add(b.acquire(expired()));
        }
        assertEquals(5_000, b.active());
        b.update(new BulkheadSettings(10, 0, LONG));
        assertEquals(503, refused(b, later()).status());
        permits.forEach(Permit::close);
        for (int i = 0; i < 10; i++) {
            permits.add(b.acquire(later()));
        }
        assertEquals(503, refused(b, later()).status());
        assertFalse(b.settings().unlimited());
    }
}
