package io.heimdall.plugin.semanticcache;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Semantic lookups at several k on an index {@link SemanticCacheBench} built (kept with {@code -Dbench.dir}), without
 * building it again: {@code -Dbench.index=/path/to/n1000000 -Dbench.entries=1000000}, optionally
 * {@code -Dbench.vectors=clustered} (how it was built), {@code -Dbench.ks=20,50}, {@code -Dbench.search-threads=2}
 * (segments searched in parallel) and {@code -Dbench.compact=true} (measure, compact the index as the plugin does when
 * idle, measure again). Query i is the vector the bench gave entry i with noise; recall@1 = entry i comes back first.
 */
@EnabledIfSystemProperty(named = "bench.index", matches = ".+")
class ExistingIndexBench {
    private static final int QUERIES = 2_000;

    @Test
    void recallAndLatencyByK() {
        int n = Integer.getInteger("bench.entries", 1_000_000);
        List<Integer> ks = Arrays.stream(System.getProperty("bench.ks", "20,50,100").split(","))
                .map(k -> Integer.parseInt(k.strip())).toList();
        int threads = Integer.getInteger("bench.search-threads", 1);
        try (CacheIndex index = CacheIndex.open(Path.of(System.getProperty("bench.index")), false, threads)) {
            measure(index, n, ks, threads);
            if (Boolean.getBoolean("bench.compact")) {
                SemanticCacheBench.compact(index, "existing index");
                measure(index, n, ks, threads);
            }
        }
    }

    private static void measure(CacheIndex index, int n, List<Integer> ks, int threads) {
        boolean clustered = BenchVectors.clustered();
        int step = Math.max(1, n / QUERIES);
        System.out.printf(Locale.ROOT, "BENCH existing index: %d entries (%s vectors), %s%n", index.size(),
                clustered ? "clustered" : "random", index.describe());
        for (int k : ks) {
            SplittableRandom random = new SplittableRandom(42);
            long[] nanos = new long[QUERIES];
            int found = 0;
            int expected = 0;
            for (int round = 0; round < 2; round++) {
                found = 0;
                expected = 0;
                for (int q = 0; q < QUERIES; q++) {
                    int id = q * step;
                    float[] v = BenchVectors.query(BenchVectors.of(id, clustered), random);
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
            System.out.printf(Locale.ROOT, "BENCH existing index, k=%d, %d search thread(s): median %.3f ms, "
                            + "p99 %.3f ms, recall@1 %.1f%%%n", k, threads, nanos[QUERIES / 2] / 1e6,
                    nanos[(int) (QUERIES * 0.99)] / 1e6, 100.0 * found / expected);
        }
    }
}
