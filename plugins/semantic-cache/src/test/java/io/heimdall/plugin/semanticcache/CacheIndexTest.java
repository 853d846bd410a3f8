package io.heimdall.plugin.semanticcache;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
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
    void exactFindsTheLatestVersionOfAnEntryAcrossSegmentsAndNotADeletedOne(@TempDir Path dir) {
        try (CacheIndex index = CacheIndex.open(dir)) {
            put(index, "a", 0, 1, 1_000); // each put refreshes: a segment of its own
            put(index, "b", 1, 2, 1_000);
            index.put("a", "scope", "ns", Optional.of("prompt a"), Optional.of(unit(0)), 3, 2_000,
                    "answer a, second version".getBytes());
            assertEquals(2, index.size());
            CacheIndex.Entry a = index.exact("a", 10).orElseThrow();
            assertEquals("answer a, second version", new String(a.answer()));
            assertEquals(2_000, a.expiresAt());
            assertEquals("ns", a.namespace());
            assertEquals("prompt a", a.prompt());
            assertEquals(1.0, a.score());
            assertEquals("answer b", new String(index.exact("b", 10).orElseThrow().answer()));
            assertTrue(index.exact("c", 10).isEmpty());
            assertTrue(index.deleteEntry("b"));
            assertTrue(index.exact("b", 10).isEmpty());
            assertTrue(index.exact("a", 2_000).isEmpty(), "expired at 2000");
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

    @Test
    void scopesStayApartWithCachedFiltersThroughDeletesAndNewSegments(@TempDir Path dir) {
        try (CacheIndex index = CacheIndex.open(dir)) {
            for (int i = 0; i < 200; i++) { // one big scope (its filter is cached) and one small one
                index.add("big" + i, "big", "ns", Optional.of("p"), Optional.of(unit(i)), i, 10_000, new byte[1]);
            }
            index.add("small0", "small", "ns", Optional.of("p"), Optional.of(unit(0)), 0, 10_000, new byte[1]);
            index.refresh();
            assertTrue(index.nearest(unit(0), "big", 300, 0).stream().allMatch(e -> e.id().startsWith("big")));
            assertEquals(200, index.nearest(unit(0), "big", 300, 0).size());
            assertEquals(List.of("small0"), index.nearest(unit(0), "small", 10, 0).stream().map(CacheIndex.Entry::id)
                    .toList());
            assertTrue(index.cachedScopeFilters() > 0);

            assertTrue(index.deleteEntry("big0")); // a deletion in a segment whose filter is cached
            index.put("big-new", "big", "ns", Optional.of("p"), Optional.of(unit(0)), 1_000, 10_000,
                    new byte[1]); // and a new segment
            List<String> ids = index.nearest(unit(0), "big", 300, 0).stream().map(CacheIndex.Entry::id).toList();
            assertEquals(200, ids.size());
            assertTrue(ids.contains("big-new") && !ids.contains("big0"));
            assertTrue(index.nearest(unit(0), "none", 10, 0).isEmpty());
        }
    }

    @Test
    void aMinimumScoreStopsTheCandidates(@TempDir Path dir) {
        try (CacheIndex index = CacheIndex.open(dir)) {
            put(index, "x", 0, 1, 1_000);
            put(index, "y", 1, 2, 1_000);
            assertEquals(2, index.nearest(unit(0), "scope", 10, 10).size());
            assertEquals(List.of("x"), index.nearest(unit(0), "scope", 10, 10, 0.5).stream()
                    .map(CacheIndex.Entry::id).toList());
        }
    }

    @Test
    void compactionWaitsForIdlenessThenMergesIntoOneSegmentThatLasts(@TempDir Path dir) throws Exception {
        try (CacheIndex index = CacheIndex.open(dir)) {
            for (int i = 0; i < 5; i++) {
                put(index, "e" + i, i, i, 10_000); // each put is refreshed: a segment of its own
            }
            assertTrue(index.segments() > 1, index.describe());
            assertEquals(CacheIndex.Compaction.NONE, index.compact(java.time.Duration.ofHours(1).toNanos()));
            assertEquals(CacheIndex.Compaction.STARTED, index.compact(0));
            CacheIndex.Compaction state = CacheIndex.Compaction.RUNNING;
            for (int tries = 0; tries < 500 && state == CacheIndex.Compaction.RUNNING; tries++) {
                state = index.compact(0);
                if (state == CacheIndex.Compaction.RUNNING) {
                    Thread.sleep(10);
                }
            }
            assertEquals(CacheIndex.Compaction.FINISHED, state);
            assertEquals(1, index.segments(), index.describe());
            assertEquals(CacheIndex.Compaction.NONE, index.compact(0)); // nothing left to merge
            for (int i = 0; i < 5; i++) {
                assertEquals("e" + i, index.nearest(unit(i), "scope", 1, 0).getFirst().id());
            }
            index.commit();
        }
        try (CacheIndex index = CacheIndex.open(dir)) {
            assertEquals(1, index.segments(), index.describe());
            assertEquals(5, index.size());
        }
    }

    @Test
    void deletionsAloneTriggerACompactionOnlyAboveTheirShare(@TempDir Path dir) {
        try (CacheIndex index = CacheIndex.open(dir)) {
            for (int i = 0; i < 100; i++) {
                index.add("e" + i, "scope", "ns", Optional.empty(), Optional.of(unit(i)), i, 10_000, new byte[1]);
            }
            index.refresh();
            assertEquals(1, index.segments(), index.describe());
            index.deleteEntry("e0");
            assertEquals(CacheIndex.Compaction.NONE, index.compact(0)); // 1 % deleted
            for (int i = 1; i < 5; i++) {
                index.deleteEntry("e" + i);
            }
            assertEquals(CacheIndex.Compaction.STARTED, index.compact(0)); // 5 %
        }
    }
}
