package io.heimdall.core.internal.http;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Bounds each single wait on an upstream: the wait for the response headers ({@code routing.timeouts.first-byte}) and
 * each wait for the next bytes of a body or stream ({@code routing.timeouts.idle}) — two limits one socket timeout
 * cannot express. On a virtual thread the upstream socket's read is untimed (a timed read schedules and cancels a
 * delayed task on every park); elsewhere its timeout is the larger of the two. One ticker interrupts a thread
 * whose current wait ran past its own limit (a virtual thread blocked in a socket read is released by that, the socket
 * closed). Only the time blocked in the read counts, never time the caller spends elsewhere (writing to its client).
 * The race between a wait ending and the ticker firing is closed as in the in-flight watchdog: a wait that ends while
 * being fired on waits for the interrupt to land and clears it. After a second with nothing to watch the ticker parks
 * until the next registration (an idle gateway had woken it 20 times a second).
 */
final class WaitWatch {
    private static final int IDLE = 0;
    private static final int WAITING = 1;
    private static final int FIRING = 2;
    private static final int FIRED = 3;
    private static final long TICK_NANOS = 50_000_000L;
    /** Ticks with nothing watched before the ticker sleeps until a wait is registered (an idle gateway stays still). */
    private static final int IDLE_TICKS_BEFORE_SLEEP = 20;
    private static final Set<Wait> WAITS = ConcurrentHashMap.newKeySet();
    private static final Thread TICKER = Thread.ofPlatform().daemon().name("heimdall-upstream-waits")
            .unstarted(WaitWatch::tick);
    /** Set by the ticker before it parks without a timeout; a registration that sees it wakes the ticker. */
    private static volatile boolean asleep;

    static {
        TICKER.start();
    }

    private WaitWatch() {
    }

    /** One caller's waits on one upstream response; register once, then bracket each blocking read. */
    static final class Wait {
        private final Thread owner;
        private final AtomicInteger state = new AtomicInteger(IDLE);
        private volatile long startNanos;
        private volatile long limitNanos;
        private volatile boolean expired;
        private volatile String what = "";

        private Wait(Thread owner) {
            this.owner = owner;
        }

        /** A blocking wait begins, allowed {@code limit}. */
        void begin(Duration limit, String waitingFor) {
            what = waitingFor;
            limitNanos = limit.toNanos();
            startNanos = System.nanoTime();
            state.set(WAITING);
        }

        /** The wait ended (data, or a failure); clears an interrupt the ticker delivered for it. */
        void end() {
            if (state.compareAndSet(WAITING, IDLE)) {
                return;
            }
            while (state.get() == FIRING) {
                Thread.onSpinWait();
            }
            if (state.compareAndSet(FIRED, IDLE)) {
                Thread.interrupted();
            }
        }

        /** Whether the ticker cut a wait of this response short. */
        boolean expired() {
            return expired;
        }

        /** What was being waited for when it expired. */
        String what() {
            return what;
        }

        /** Stops watching. */
        void close() {
            end();
            WAITS.remove(this);
        }

        private void check(long now) {
            if (state.get() == WAITING && now - startNanos > limitNanos && state.compareAndSet(WAITING, FIRING)) {
                expired = true;
                owner.interrupt();
                state.set(FIRED);
            }
        }
    }

    /** Watches the calling thread's waits on one response. */
    static Wait register() {
        Wait w = new Wait(Thread.currentThread());
        WAITS.add(w);
        if (asleep) {
            asleep = false;
            LockSupport.unpark(TICKER);
        }
        return w;
    }

    private static void tick() {
        int idleTicks = 0;
        while (true) {
            LockSupport.parkNanos(TICK_NANOS);
            if (WAITS.isEmpty()) {
                if (++idleTicks >= IDLE_TICKS_BEFORE_SLEEP) {
                    idleTicks = 0;
                    asleep = true;
                    // a registration after this check sees asleep set and unparks; one before it is seen here
                    while (asleep && WAITS.isEmpty()) {
                        LockSupport.park();
                    }
                    asleep = false;
                }
                continue;
            }
            idleTicks = 0;
            long now = System.nanoTime();
            for (Wait w : WAITS) {
                w.check(now);
            }
        }
    }
}
