package io.heimdall.core.internal.memory;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryNotificationInfo;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Runs a full collection when the serial collector's old generation has grown some headroom past what the last full
 * collection left live. The serial collector grows its old generation with every promotion and collects it only when
 * it cannot grow any more (at {@code -Xmx}): requests that live for seconds (streams) promote their buffers, and the
 * heap, hence the RSS, fills up to {@code -Xmx} with garbage. With this the old generation stays near the live set
 * plus the headroom ({@code max(min, live / 4)}, doubled while full collections come less than half a second apart,
 * halved by each one that comes more than two seconds after the last).
 * Does nothing under another collector (no pool named "Tenured Gen").
 */
public final class OldGenGovernor implements NotificationListener, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(OldGenGovernor.class.getName());
    private static final String POOL = "Tenured Gen";

    private final MemoryPoolMXBean pool;
    private final NotificationEmitter emitter;
    private final long min;
    private final AtomicBoolean pending = new AtomicBoolean();
    private final AtomicLong collections = new AtomicLong();
    private volatile long threshold;
    private int factor = 1;
    private long lastNanos;

    private OldGenGovernor(MemoryPoolMXBean pool, NotificationEmitter emitter, long min) {
        this.pool = pool;
        this.emitter = emitter;
        this.min = min;
        this.lastNanos = System.nanoTime() - 60_000_000_000L;
    }

    /**
     * Starts watching the old generation when the JVM runs the serial collector.
     *
     * @param minHeadroom the least the old generation may grow past its live set before a full collection (bytes)
     * @return the running governor, or empty under another collector
     */
    public static Optional<OldGenGovernor> start(long minHeadroom) {
        if (minHeadroom <= 0) {
            throw new IllegalArgumentException("minHeadroom must be positive: " + minHeadroom);
        }
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && POOL.equals(p.getName()) && p.isUsageThresholdSupported()
                    && ManagementFactory.getMemoryMXBean() instanceof NotificationEmitter e) {
                OldGenGovernor g = new OldGenGovernor(p, e, minHeadroom);
                e.addNotificationListener(g, null, null);
                g.arm(p.getUsage().getUsed());
                return Optional.of(g);
            }
        }
        return Optional.empty();
    }

    /** The old generation's usage (bytes) that triggers the next full collection. */
    public long threshold() {
        return threshold;
    }

    /** How many full collections this governor has run. */
    public long collections() {
        return collections.get();
    }

    private void arm(long live) {
        long t = live + Math.max(min, live / 4) * factor;
        long max = pool.getUsage().getMax();
        threshold = max > 0 ? Math.min(t, max) : t;
        pool.setUsageThreshold(threshold);
    }

    @Override
    public void handleNotification(Notification n, Object handback) {
        if (!MemoryNotificationInfo.MEMORY_THRESHOLD_EXCEEDED.equals(n.getType())
                || !(n.getUserData() instanceof CompositeData data)
                || !POOL.equals(MemoryNotificationInfo.from(data).getPoolName())
                || !pending.compareAndSet(false, true)) {
            return;
        }
        // A platform thread of its own: not the JVM's notification thread, and not a virtual thread, which would wait
        // for a carrier behind every busy request (the moment it is needed most).
        Thread.ofPlatform().daemon().name("heimdall-old-gen-governor").start(this::collect);
    }

    private void collect() {
        try {
            long now = System.nanoTime();
            long since = now - lastNanos;
            lastNanos = now;
            factor = nextFactor(factor, since);
            System.gc();
            collections.incrementAndGet();
            MemoryUsage after = pool.getCollectionUsage();
            arm(after == null ? pool.getUsage().getUsed() : after.getUsed());
            LOG.log(System.Logger.Level.DEBUG, "old generation collected: {0} KB live, next at {1} KB",
                    after == null ? -1 : after.getUsed() / 1024, threshold / 1024);
        } finally {
            pending.set(false);
        }
    }

    /**
     * The headroom's next multiplier: doubled (up to 16) when full collections come less than half a second apart,
     * halved by one that comes more than two seconds after the last (a burst of promotions must not widen the
     * headroom for the rest of the run), back to 1 after ten seconds.
     */
    static int nextFactor(int factor, long sinceLastNanos) {
        if (sinceLastNanos < 500_000_000L) {
            return Math.min(factor * 2, 16);
        }
        if (sinceLastNanos > 10_000_000_000L) {
            return 1;
        }
        return sinceLastNanos > 2_000_000_000L ? Math.max(factor / 2, 1) : factor;
    }

    /** Stops watching (the threshold stays; nothing acts on it). */
    @Override
    public void close() {
        try {
            emitter.removeNotificationListener(this);
        } catch (ListenerNotFoundException e) {
            // already removed
        }
    }
}
