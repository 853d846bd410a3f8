package io.heimdall.plugin.semanticcache;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Lucene index on its own: persistence, expiry, eviction, shared opening. */
class CacheIndexTest {
    private static float[] unit(int i) {
        float[] v = new float[8];
        v[i % 8] = 1;
        return v;
    }

    private static void put(CacheIndex index, String id, int vector, long created, long expires) {
        index.put(id, "scope", "ns", Optional.of("prompt " + id), Optional.of(unit(vector)), created, expires,
                ("answer " + id).getBytes());
    }

    @Test
    void entriesSurviveCloseAndReopen(@TempDir Path dir) {
        try (CacheIndex index = CacheIndex.open(dir)) {
            put(index, "a", 0, 1, 1_000);
        }
        try (CacheIndex index = CacheIndex.open(dir)) {
            assertTrue(index.exact("a", 10).isPresent());
            assertEquals(1, index.nearest(unit(0), "scope", 10, 10).size());
            assertEquals(1.0, index.nearest(unit(0), "scope", 10, 10).getFirst().score(), 1e-6);
        }
    }

    @Test
    void sharedOpeningClosesOnTheLastReference(@TempDir Path dir) {
        CacheIndex first = CacheIndex.open(dir);
        CacheIndex second = CacheIndex.open(dir);
        assertTrue(first == second);
        put(first, "a", 0, 1, 1_000);
        first.close();
        assertTrue(second.exact("a", 10).isPresent());
        second.close();
    }

    @Test
    void expiredEntriesAreNotFoundAndArePurged(@TempDir Path dir) {
        try (CacheIndex index = CacheIndex.open(dir)) {
            put(index, "old", 0, 1, 100);
            put(index, "new", 1, 2, 1_000);
            assertTrue(index.exact("old", 200).isEmpty());
            assertTrue(index.nearest(unit(0), "scope", 10, 200).stream().noneMatch(e -> e.id().equals("old")));
            assertEquals(1, index.purgeExpired(200));
            assertEquals(1, index.size());
        }
    }

    @Test
    void evictionDropsTheOldest(@TempDir Path dir) {
        try (CacheIndex index = CacheIndex.open(dir)) {
            for (int i = 0; i < 5; i++) {
                put(index, "e" + i, i, 100 + i, 10_000);
            }
            assertEquals(2, index.evict(3));
            assertEquals(3, index.size());
            assertTrue(index.exact("e0", 0).isEmpty());
            assertTrue(index.exact("e1", 0).isEmpty());
            assertTrue(index.exact("e4", 0).isPresent());
        }
    }
}
