package io.heimdall.plugin.semanticcache;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Semantic lookups at several k on an index {@link SemanticCacheBench} built (its folder kept, e.g. hard-linked while
 * the bench ran), without building it again: {@code -Dbench.index=/path/to/n1000000 -Dbench.entries=1000000}.
 * Query i is the vector the bench gave entry i (seeded by i) with noise; recall@1 = entry i comes back first.
 */
@EnabledIfSystemProperty(named = "bench.index", matches = ".+")
class ExistingIndexBench {
    private static final int QUERIES = 2_000;

    @Test
    void recallAndLatencyByK() {
        int n = Integer.getInteger("bench.entries", 1_000_000);
        int step = Math.max(1, n / QUERIES);
        try (CacheIndex index = CacheIndex.open(Path.of(System.getProperty("bench.index")))) {
            System.out.printf(Locale.ROOT, "BENCH existing index: %d entries, %s%n", index.size(), index.describe());
            for (int k : List.of(20, 50, 100)) {
                SplittableRandom random = new SplittableRandom(42);
                long[] nanos = new long[QUERIES];
                int found = 0;
                int expected = 0;
                for (int round = 0; round < 2; round++) {
                    found = 0;
                    expected = 0;
                    for (int q = 0; q < QUERIES; q++) {
                        int id = q * step;
                        float[] v = SemanticCacheBench.randomUnit(new SplittableRandom(id));
                        for (int d = 0; d < 8; d++) {
                            v[random.nextInt(v.length)] += (float) (random.nextGaussian() * 0.05);
                        }
                        Embedder.normalise(v);
                        long t = System.nanoTime();
                        List<CacheIndex.Entry> hits = index.nearest(v, "scope", k, 0, Settings.DEFAULT_THRESHOLD);
                        nanos[q] = System.nanoTime() - t;
                        if (id >= n / 100) { // the bench deleted the oldest 1 %
                            expected++;
                            if (!hits.isEmpty() && hits.getFirst().id().equals("id" + id)) {
                                found++;
                            }
                        }
                    }
                }
                Arrays.sort(nanos);
                System.out.printf(Locale.ROOT, "BENCH existing index, k=%d: median %.3f ms, p99 %.3f ms, recall@1 %.1f%%%n",
                        k, nanos[QUERIES / 2] / 1e6, nanos[(int) (QUERIES * 0.99)] / 1e6, 100.0 * found / expected);
            }
        }
    }
}
