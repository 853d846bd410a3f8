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
 * For each size: builds an index of that many entries (random unit vectors of 384 dimensions, one scope, 1 KB
 * answers), then measures exact lookups (by id) and semantic lookups (k-NN with the cache's filter, k=20, queries
 * near a stored vector) and the recall of the stored vector; plus the bundled embedder's latency per short prompt.
 * Prints figures; asserts nothing about speed.
 */
@EnabledIfSystemProperty(named = "bench.sizes", matches = ".+")
class SemanticCacheBench {
    private static final int DIM = 384;
    private static final int QUERIES = 2_000;

    @TempDir
    Path dir;

    private static float[] randomUnit(SplittableRandom r) {
        float[] v = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return Embedder.normalise(v);
    }

    private static String pct(long[] nanos) {
        Arrays.sort(nanos);
        return String.format(Locale.ROOT, "median %.3f ms, p99 %.3f ms", nanos[nanos.length / 2] / 1e6,
                nanos[(int) (nanos.length * 0.99)] / 1e6);
    }

    @Test
    void lookupLatency() {
        for (String size : System.getProperty("bench.sizes").split(",")) {
            run(Integer.parseInt(size.strip()));
        }
    }

    private void run(int n) {
        SplittableRandom random = new SplittableRandom(42);
        byte[] answer = new byte[1024];
        List<float[]> sample = new ArrayList<>();
        try (CacheIndex index = CacheIndex.open(dir.resolve("n" + n))) {
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                float[] v = randomUnit(random);
                if (i % Math.max(1, n / QUERIES) == 0 && sample.size() < QUERIES) {
                    sample.add(v);
                }
                index.add("id" + i, "scope", "ns", Optional.of("prompt " + i), Optional.of(v), i, Long.MAX_VALUE,
                        answer);
            }
            index.refresh();
            index.commit();
            double buildSeconds = (System.nanoTime() - start) / 1e9;
            Runtime rt = Runtime.getRuntime();
            System.gc();
            long heap = rt.totalMemory() - rt.freeMemory();

            long[] exact = new long[QUERIES];
            for (int i = 0; i < QUERIES; i++) {
                String id = "id" + random.nextInt(n);
                long t = System.nanoTime();
                if (index.exact(id, 0).isEmpty()) {
                    throw new AssertionError("missing " + id);
                }
                exact[i] = System.nanoTime() - t;
            }
            long[] semantic = new long[sample.size()];
            int found = 0;
            for (int round = 0; round < 2; round++) { // the first round warms the JIT up
                found = 0;
                for (int i = 0; i < sample.size(); i++) {
                    float[] q = sample.get(i).clone();
                    for (int d = 0; d < 8; d++) {
                        q[random.nextInt(DIM)] += (float) (random.nextGaussian() * 0.05);
                    }
                    Embedder.normalise(q);
                    long t = System.nanoTime();
                    List<CacheIndex.Entry> hits = index.nearest(q, "scope", 20, 0);
                    semantic[i] = System.nanoTime() - t;
                    if (!hits.isEmpty() && hits.getFirst().score() > 0.95) {
                        found++;
                    }
                }
            }
            System.out.printf(Locale.ROOT, "BENCH entries=%d build=%.1fs (%.0f entries/s) heap-after-build=%d MB%n",
                    n, buildSeconds, n / buildSeconds, heap >> 20);
            System.out.printf(Locale.ROOT, "BENCH entries=%d exact: %s%n", n, pct(exact));
            System.out.printf(Locale.ROOT, "BENCH entries=%d semantic (k=20, filtered): %s, recall@1 %.1f%%%n", n,
                    pct(semantic), 100.0 * found / sample.size());
        }
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
                System.out.printf(Locale.ROOT, "BENCH end to end, upstream latency 200 ms: miss %s; exact hit %s; "
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
        System.out.printf(Locale.ROOT, "BENCH embedding (bundled all-MiniLM-L6-v2-q, short prompts): %s%n",
                pct(nanos));
    }
}
