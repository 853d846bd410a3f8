package io.heimdall.core.internal.http;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The wait watch's ticker: a wait past its limit is cut short, also one registered after the ticker went to sleep. */
class WaitWatchTest {

    private static boolean cutShort(Duration limit, Duration blockFor) throws InterruptedException {
        AtomicBoolean interrupted = new AtomicBoolean();
        AtomicBoolean expired = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(1);
        Thread.ofVirtual().start(() -> {
            WaitWatch.Wait wait = WaitWatch.register();
            wait.begin(limit, "its first byte");
            try {
                Thread.sleep(blockFor);
            } catch (InterruptedException e) {
                interrupted.set(true);
            } finally {
                wait.close();
                expired.set(wait.expired());
                done.countDown();
            }
        });
        assertTrue(done.await(20, TimeUnit.SECONDS));
        return interrupted.get() && expired.get();
    }

    @Test
    void aWaitPastItsLimitIsInterruptedEvenAfterTheTickerSleptForLackOfWaits() throws InterruptedException {
        assertTrue(cutShort(Duration.ofMillis(100), Duration.ofSeconds(10)), "a wait while the ticker is awake");
        Thread.sleep(1_500); // more than the ticker's 20 idle ticks: it parks until the next registration
        assertTrue(cutShort(Duration.ofMillis(100), Duration.ofSeconds(10)), "a wait registered after it slept");
    }

    @Test
    void aWaitWithinItsLimitIsLeftAlone() throws InterruptedException {
        assertFalse(cutShort(Duration.ofSeconds(5), Duration.ofMillis(200)));
    }
}
