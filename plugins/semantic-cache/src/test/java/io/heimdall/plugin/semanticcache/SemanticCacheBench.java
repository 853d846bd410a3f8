package io.heimdall.plugin.semanticcache;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The lookup benchmark behind {@code bench/semantic-cache.sh}; runs only with {@code -Dbench.sizes=10000,100000}.
 * For each size: builds an index of that many entries directly through {@link CacheIndex} (no embedding: random
 * unit vectors of 384 dimensions, one scope, 1 KB answers; {@code -Dbench.threads=2} adds from two threads), then
 * measures exact lookups (by id) and semantic lookups (k-NN with the cache's scope filter, k=20, candidates read from
 * the default threshold up, queries = a stored vector with noise) and the recall of the stored vector, before and
 * after deleting the oldest 1 %; plus the bundled embedder's latency per short prompt and a hit end to end.
 * Prints figures; asserts nothing about speed.
 */
@EnabledIfSystemProperty(named = "bench.sizes", matches = ".+")
class SemanticCacheBench {
    private static final int QUERIES = 2_000;

    @TempDir
    Path dir;

    private static String pct(long[] nanos) {
        Arrays.sort(nanos);
        return String.format(Locale.ROOT, "median %.3f ms, p99 %.3f ms", nanos[nanos.length / 2] / 1e6,
                nanos[(int) (nanos.length * 0.99)] / 1e6);
    }

    @Test
    void lookupLatency() {
        List<String> int8 = Arrays.stream(System.getProperty("bench.int8-sizes", "").split(",")).map(String::strip)
                .toList();
        if (BenchVectors.clustered()) {
            say("BENCH vectors: clustered around %d centroids%n", BenchVectors.CENTROIDS);
        }
        for (String size : System.getProperty("bench.sizes").split(",")) {
            run(Integer.parseInt(size.strip()), false);
            if (int8.contains(size.strip())) {
                run(Integer.parseInt(size.strip()), true);
            }
        }
    }

    private void run(int n, boolean int8) {
        int threads = Integer.getInteger("bench.threads", 1);
        int step = Math.max(1, n / QUERIES);
        List<float[]> sample = new ArrayList<>();
        List<Integer> sampleIds = new ArrayList<>();
        // -Dbench.dir keeps the indexes (for ExistingIndexBench); by default they go to a temporary folder.
        Path base = System.getProperty("bench.dir", "").isBlank() ? dir : Path.of(System.getProperty("bench.dir"));
        Path folder = base.resolve((int8 ? "int8-" : "n") + n);
        String label = (int8 ? n + " (int8)" : String.valueOf(n)) + (BenchVectors.clustered() ? " clustered" : "");
        boolean clustered = BenchVectors.clustered();
        try (CacheIndex index = CacheIndex.open(folder, int8, Integer.getInteger("bench.search-threads", 1))) {
            long start = System.nanoTime();
            // Each thread adds the entries i = t, t + threads, ...; vector i comes from its own seed, so the index is
            // the same whatever the thread count.
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                workers.add(Thread.ofPlatform().start(() -> {
                    for (int i = first; i < n; i += threads) {
                        index.add("id" + i, "scope", "ns", Optional.of("prompt " + i),
                                Optional.of(BenchVectors.of(i, clustered)), i, Long.MAX_VALUE,
                                answer(new SplittableRandom(~i)));
                    }
                }));
            }
            for (Thread w : workers) {
                join(w);
            }
            index.refresh();
            index.commit();
            double buildSeconds = (System.nanoTime() - start) / 1e9;
            for (int i = 0; i < n && sample.size() < QUERIES; i += step) {
                sample.add(BenchVectors.of(i, clustered)); // the vector entry i was given
                sampleIds.add(i);
            }
            Runtime rt = Runtime.getRuntime();
            System.gc();
            long heap = rt.totalMemory() - rt.freeMemory();
            say("BENCH entries=%s build=%.1fs (%.0f entries/s, %d thread(s)) "
                            + "heap-after-build=%d MB index-on-disk=%d MB%n", label, buildSeconds, n / buildSeconds,
                    threads, heap >> 20, size(folder) >> 20);
            SplittableRandom random = new SplittableRandom(42);
            say("BENCH entries=%s as built: %s%n", label, index.describe());
            semantic(index, label, sample, sampleIds, -1, random, "as built");
            if (!"false".equals(System.getProperty("bench.compact"))) {
                compact(index, label); // what the plugin does once writes pause (merge-when-idle)
                semantic(index, label, sample, sampleIds, -1, random, "compacted");
            }

            long[] exact = new long[QUERIES];
            for (int i = 0; i < QUERIES; i++) {
                String id = "id" + random.nextInt(n);
                long t = System.nanoTime();
                if (index.exact(id, 0).isEmpty()) {
                    throw new AssertionError("missing " + id);
                }
                exact[i] = System.nanoTime() - t;
            }
            say("BENCH entries=%s exact: %s%n", label, pct(exact));
            semantic(index, label, sample, sampleIds, -1, random, "no deletions");
            // Deletions (updates, purges, evictions) make Lucene intersect the filter with the live docs.
            long deleted = index.evict(n - n / 100);
            semantic(index, label, sample, sampleIds, n / 100, random, deleted + " oldest deleted");
        }
    }

    /** 1 KB of text-like bytes (16 letters: compresses about 2x, as JSON answers do), different per entry. */
    private static byte[] answer(SplittableRandom r) {
        byte[] b = new byte[1024];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) ('a' + r.nextInt(16));
        }
        return b;
    }

    /** Prints a BENCH line, and appends it to target/semantic-cache-bench.txt at once (surefire's copy comes at the end). */
    private static void say(String format, Object... args) {
        String line = String.format(Locale.ROOT, format, args);
        System.out.print(line);
        try {
            java.nio.file.Files.writeString(Path.of("target", "semantic-cache-bench.txt"), line,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static long size(Path folder) {
        try (var files = java.nio.file.Files.list(folder)) {
            return files.mapToLong(f -> f.toFile().length()).sum();
        } catch (IOException e) {
            return -1;
        }
    }

    /**
     * Compacts the index as the plugin does once writes pause ({@link CacheIndex#compact(long)}, here without waiting
     * for idleness) and prints what it cost: wall time, the process's CPU time, the bytes it wrote.
     */
    static void compact(CacheIndex index, String label) {
        long start = System.nanoTime();
        long cpu = cpuNanos();
        long before = size(index.folder());
        CacheIndex.Compaction started = index.compact(0);
        if (started != CacheIndex.Compaction.STARTED) {
            say("BENCH entries=%s compaction: %s (%s)%n", label, started, index.describe());
            return;
        }
        Runtime rt = Runtime.getRuntime();
        long peak = 0;
        while (index.compact(0) == CacheIndex.Compaction.RUNNING) {
            peak = Math.max(peak, rt.totalMemory() - rt.freeMemory());
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        index.commit();
        say("BENCH entries=%s compaction into one segment: %.1f s wall, %.1f s CPU (process), index on disk %d -> %d MB,"
                        + " peak heap seen %d MB (-Xmx %d MB); now %s%n", label, (System.nanoTime() - start) / 1e9,
                (cpuNanos() - cpu) / 1e9, before >> 20, size(index.folder()) >> 20, peak >> 20, rt.maxMemory() >> 20,
                index.describe());
    }

    private static long cpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
    }

    /**
     * Semantic lookups as the cache made them until the sixth session: k=20 (80 now; ExistingIndexBench measures
     * other k), scope filter, candidates read from the threshold up.
     */
    private static void semantic(CacheIndex index, String n, List<float[]> sample, List<Integer> sampleIds,
                                 int deletedBelow, SplittableRandom random, String label) {
        long[] semantic = new long[sample.size()];
        int found = 0;
        int expected = 0;
        for (int round = 0; round < 2; round++) { // the first round warms the JIT up
            found = 0;
            expected = 0;
            for (int i = 0; i < sample.size(); i++) {
                float[] q = BenchVectors.query(sample.get(i), random);
                long t = System.nanoTime();
                List<CacheIndex.Entry> hits = index.nearest(q, "scope", 20, 0, Settings.DEFAULT_THRESHOLD);
                semantic[i] = System.nanoTime() - t;
                if (sampleIds.get(i) >= deletedBelow) {
                    expected++;
                    if (!hits.isEmpty() && hits.getFirst().id().equals("id" + sampleIds.get(i))) {
                        found++;
                    }
                }
            }
        }
        say("BENCH entries=%s semantic (k=20, scope filter, %s): %s, recall@1 %.1f%%%n",
                n, label, pct(semantic), 100.0 * found / expected);
    }

    @Test
    void hitEndToEndAgainstA200msUpstream() throws Exception {
        try (io.heimdall.testkit.MockOpenAiServer up = io.heimdall.testkit.MockOpenAiServer.start()) {
            up.latency(java.time.Duration.ofMillis(200));
            java.nio.file.Path config = dir.resolve("e2e.yaml");
            java.nio.file.Files.writeString(config, """
                    server: { host: 127.0.0.1, port: 0 }
                    providers:
                      up: { type: openai-compatible, base-url: "%s" }
                    plugins:
                      - { id: semantic-cache, config: { directory: "%s" } }
                    """.formatted(up.baseUrl(), dir.resolve("e2e")));
            try (io.heimdall.core.Gateway g = io.heimdall.core.Gateway.builder().config(config).port(0)
                    .watchConfig(false).start()) {
                int n = 20;
                long[] miss = new long[n];
                long[] exact = new long[n];
                long[] semantic = new long[n];
                for (int i = 0; i < n; i++) {
                    String q = "What is the population of city number " + i + "?";
                    long t = System.nanoTime();
                    SemanticCacheGatewayTest.chat(g, q, "bench", java.util.Map.of());
                    miss[i] = System.nanoTime() - t;
                    SemanticCacheGatewayTest.awaitHit(g, q, "bench");
                    t = System.nanoTime();
                    SemanticCacheGatewayTest.chat(g, q, "bench", java.util.Map.of());
                    exact[i] = System.nanoTime() - t;
                    t = System.nanoTime();
                    SemanticCacheGatewayTest.chat(g, "How many people live in city number " + i + "?", "bench",
                            java.util.Map.of("x-heimdall-cache-no-store", "true"));
                    semantic[i] = System.nanoTime() - t;
                }
                say("BENCH end to end, upstream latency 200 ms: miss %s; exact hit %s; "
                        + "semantic lookup (hit or miss) %s%n", pct(miss), pct(exact), pct(semantic));
            }
        }
    }

    @Test
    void embeddingLatency() throws IOException {
        List<String> prompts = new ArrayList<>();
        try (InputStream in = SemanticCacheBench.class.getResourceAsStream("/pairs.tsv")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.startsWith("#") && !line.isBlank()) {
                    prompts.add(line.split("\t")[1]);
                }
            }
        }
        Embedder.Local e = new Embedder.Local();
        prompts.forEach(p -> e.embed(p, null)); // warm-up, and the model load
        long[] nanos = new long[prompts.size()];
        for (int i = 0; i < nanos.length; i++) {
            long t = System.nanoTime();
            e.embed(prompts.get(i), null);
            nanos[i] = System.nanoTime() - t;
        }
        say("BENCH embedding (bundled all-MiniLM-L6-v2-q, short prompts): %s%n",
                pct(nanos));
    }
}
