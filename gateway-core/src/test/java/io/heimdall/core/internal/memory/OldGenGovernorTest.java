package io.heimdall.core.internal.memory;

import org.junit.jupiter.api.Test;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayDeque;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OldGenGovernorTest {
    private static volatile Object sink;

    /** The build runs tests on the serial collector (-XX:+UseSerialGC in the surefire argLine). */
    @Test
    void collectsTheOldGenerationWhenPromotedGarbageOutgrowsTheHeadroom() throws InterruptedException {
        long fullBefore = fullCollections();
        Optional<OldGenGovernor> started = OldGenGovernor.start(8L << 20);
        assertTrue(started.isPresent(), "the tests run on the serial collector");
        try (OldGenGovernor g = started.get()) {
            assertTrue(g.threshold() >= 8L << 20, "threshold " + g.threshold());
            // Objects that live across a few young collections and then die: promoted garbage, as long streams make.
            ArrayDeque<byte[]> window = new ArrayDeque<>();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (g.collections() == 0 && System.nanoTime() < deadline) {
                window.addLast(new byte[64 * 1024]);
                if (window.size() > 256) {
                    window.removeFirst();
                }
                for (int i = 0; i < 16; i++) {
                    sink = new byte[1024];
                }
                if (window.size() % 64 == 0) {
                    Thread.sleep(1);
                }
            }
            assertTrue(g.collections() > 0, "no full collection within 30 s; threshold " + g.threshold());
            assertTrue(fullCollections() > fullBefore, "the collector counted no full collection");
            assertTrue(g.threshold() >= 8L << 20, "re-armed at " + g.threshold());
        }
    }

    @Test
    void theHeadroomWidensInABurstAndNarrowsAgainAfterIt() {
        assertEquals(2, OldGenGovernor.nextFactor(1, 400_000_000L));
        assertEquals(1, OldGenGovernor.nextFactor(1, 900_000_000L));
        assertEquals(16, OldGenGovernor.nextFactor(16, 100_000_000L));
        assertEquals(4, OldGenGovernor.nextFactor(4, 1_500_000_000L));
        assertEquals(2, OldGenGovernor.nextFactor(4, 3_000_000_000L));
        assertEquals(1, OldGenGovernor.nextFactor(1, 3_000_000_000L));
        assertEquals(1, OldGenGovernor.nextFactor(16, 11_000_000_000L));
    }

    @Test
    void refusesANonPositiveHeadroom() {
        assertThrows(IllegalArgumentException.class, () -> OldGenGovernor.start(0));
    }

    private static long fullCollections() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc.getName().equals("MarkSweepCompact")) {
                n += gc.getCollectionCount();
            }
        }
        return n;
    }
}
